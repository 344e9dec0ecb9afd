#include "model/cpu_fused_ops.h"

#include "model/cpu_lanes.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace lora::model::fused {
namespace {

// One row: y = w·(x·s) with s = 1/sqrt(mean(x²) + eps), rounded in transformers' order. Returns s.
LORA_ROW_KERNEL float normalizeRow(float* __restrict y, const float* __restrict x, const float* __restrict w, int64_t n, float eps)
{
    const float s = 1.0f / std::sqrt(sumLanes(n, [=](int64_t j) { return x[j] * x[j]; }) / static_cast<float>(n) + eps);
    forEachLane(n, [=](int64_t j) { y[j] = w[j] * (x[j] * s); });
    return s;
}

// One row of dx = s·w·dy − x·(s³/n)·Σ dy·w·x.
LORA_ROW_KERNEL void normalizeRowBackward(float* __restrict dx, const float* __restrict dy, const float* __restrict x,
                          const float* __restrict w, float s, int64_t n)
{
    const float c = sumLanes(n, [=](int64_t j) { return dy[j] * w[j] * x[j]; }) * s * s * s / static_cast<float>(n);
    forEachLane(n, [=](int64_t j) { dx[j] = s * w[j] * dy[j] - x[j] * c; });
}

// Rows per parallel task: a row is n floats, a few KiB; enough rows that a task outweighs its scheduling.
constexpr int64_t kRowGrain = 16;

class RmsNormFunction : public torch::autograd::Function<RmsNormFunction> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                                 const torch::Tensor& weight, double eps)
    {
        const auto x = input.contiguous();
        const int64_t n = x.size(-1), rows = x.numel() / n;
        auto y = torch::empty_like(x);
        auto rstd = torch::empty({rows}, x.options());
        const float* xp = x.data_ptr<float>();
        const float* wp = weight.data_ptr<float>();
        float* yp = y.data_ptr<float>();
        float* rp = rstd.data_ptr<float>();
        const auto epsilon = static_cast<float>(eps);
        at::parallel_for(0, rows, kRowGrain, [&](int64_t begin, int64_t end) {
            for (int64_t r = begin; r < end; ++r)
                rp[r] = normalizeRow(yp + r * n, xp + r * n, wp, n, epsilon);
        });
        ctx->save_for_backward({x, weight, rstd});
        return y;
    }

    // y = w·x·r with r = (mean(x²) + eps)^-½, so dr/dx_j = -r³·x_j/n and
    // dx_j = r·w_j·dy_j − x_j·(r³/n)·Σ_i dy_i·w_i·x_i;  dw_j = Σ_rows dy_j·x_j·r.
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto& x = saved[0];
        const auto& weight = saved[1];
        const auto& rstd = saved[2];
        const auto dy = grads[0].contiguous();
        const int64_t n = x.size(-1), rows = x.numel() / n;
        torch::Tensor dx, dw;
        if (ctx->needs_input_grad(0)) {
            dx = torch::empty_like(x);
            const float* xp = x.data_ptr<float>();
            const float* wp = weight.data_ptr<float>();
            const float* rp = rstd.data_ptr<float>();
            const float* gp = dy.data_ptr<float>();
            float* dp = dx.data_ptr<float>();
            at::parallel_for(0, rows, kRowGrain, [&](int64_t begin, int64_t end) {
                for (int64_t r = begin; r < end; ++r)
                    normalizeRowBackward(dp + r * n, gp + r * n, xp + r * n, wp, rp[r], n);
            });
        }
        // Only full fine-tuning trains a norm's weight: ATen's reduction is good enough for that rarer path.
        if (ctx->needs_input_grad(1))
            dw = (dy.view({rows, n}) * x.view({rows, n}) * rstd.unsqueeze(1)).sum(0).view_as(weight);
        return {dx, dw, torch::Tensor()};
    }
};

}  // namespace

torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps)
{
    return RmsNormFunction::apply(x, weight.contiguous(), eps);
}

}  // namespace lora::model::fused
