#include "train/head_loss.h"

#include "lora/dataset.h"

#include <algorithm>

namespace lora::train {

namespace {

// Rows of logits per chunk: about 8 M floats (32 MB) whatever the vocabulary, which keeps the head's GEMM
// large enough to run at full speed.
int64_t chunkRows(int64_t vocab) { return std::max<int64_t>(32, (int64_t{8} << 20) / std::max<int64_t>(1, vocab)); }

}  // namespace

HeadLoss causalLmHeadLoss(const torch::Tensor& hidden, const torch::Tensor& headWeight, const torch::Tensor& labels,
                          double gradScale, bool withGrad)
{
    torch::NoGradGuard noGrad;
    const int64_t b = hidden.size(0), t = hidden.size(1), width = hidden.size(2);
    const int64_t vocab = headWeight.size(0);
    const auto h = hidden.detach().narrow(1, 0, t - 1).reshape({-1, width});  // position t predicts t + 1
    const auto targets = labels.narrow(1, 1, t - 1).reshape({-1});
    const auto counted = (targets != kIgnoreIndex).nonzero().view({-1});
    const int64_t n = counted.size(0);
    const bool all = n == targets.size(0);  // the usual case: no padding, no index_select copies

    HeadLoss out;
    auto summed = torch::zeros({}, hidden.options().dtype(torch::kFloat32));
    torch::Tensor grad;  // [B * (T - 1), H]
    if (withGrad)
        grad = all ? torch::empty_like(h) : torch::zeros_like(h);
    const auto weightT = headWeight.t();
    const int64_t step = chunkRows(vocab);
    for (int64_t start = 0; start < n; start += step) {
        const int64_t len = std::min(step, n - start);
        const auto idx = counted.narrow(0, start, len);
        const auto hc = all ? h.narrow(0, start, len) : h.index_select(0, idx);
        const auto tc = (all ? targets.narrow(0, start, len) : targets.index_select(0, idx)).unsqueeze(1);
        auto logits = torch::mm(hc, weightT).to(torch::kFloat32);  // [len, vocab]
        const auto target = logits.gather(1, tc);
        // cross-entropy = logsumexp - logit of the target, the logsumexp formed in the logits buffer:
        // e = exp(logits - max), lse = max + log(sum e). (at::logsumexp allocates a chunk-sized temporary, which
        // costs a page fault per 4 KiB every chunk of every step.)
        const auto rowMax = logits.amax(1, /*keepdim=*/true);
        auto e = logits.sub_(rowMax).exp_();
        const auto rowSum = e.sum(1, /*keepdim=*/true);
        summed.add_((rowMax + rowSum.log() - target).sum());
        if (!withGrad)
            continue;
        // (softmax - onehot) * gradScale, in place: e * (gradScale / sum e), then gradScale off each target.
        e.mul_(rowSum.reciprocal().mul_(gradScale));
        e.scatter_add_(1, tc, torch::full({len, 1}, -gradScale, e.options()));
        const auto g = e.to(headWeight.scalar_type());
        if (!all) {
            grad.index_copy_(0, idx, torch::mm(g, headWeight).to(grad.scalar_type()));
        } else if (auto rows = grad.narrow(0, start, len); rows.scalar_type() == g.scalar_type()) {
            torch::mm_out(rows, g, headWeight);  // whole rows of grad: contiguous
        } else {
            rows.copy_(torch::mm(g, headWeight));
        }
    }
    out.summed = summed;
    if (withGrad) {
        out.hiddenGrad = torch::zeros_like(hidden);
        out.hiddenGrad.narrow(1, 0, t - 1).copy_(grad.view({b, t - 1, width}));
    }
    return out;
}

}  // namespace lora::train
