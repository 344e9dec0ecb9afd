#include "adapter/pissa.h"

#include "adapter/lora_branch.h"
#include "lora/error.h"
#include "model/linear.h"

namespace lora::adapter {

std::pair<torch::Tensor, torch::Tensor> pissaInit(model::LinearImpl& base, int rank, double scaling)
{
    torch::NoGradGuard noGrad;
    const auto w = linearLayoutWeight(base).to(torch::kFloat32);
    if (rank > std::min(w.size(0), w.size(1)))
        throw Error("PiSSA needs a rank of at most min(in, out) features");
    const auto [u, s, vh] = torch::linalg_svd(w, /*full_matrices=*/false);
    const auto sqrtS = (s.slice(0, 0, rank) / scaling).sqrt();
    auto a = sqrtS.unsqueeze(1) * vh.slice(0, 0, rank);  // diag(√Sr)·Vh_r
    auto b = u.slice(1, 0, rank) * sqrtS.unsqueeze(0);   // U_r·diag(√Sr)
    const auto residual = w - scaling * torch::mm(b, a);
    const auto stored = base.fanInFanOut() ? residual.t() : residual;
    base.weight.copy_(stored.to(base.weight.scalar_type()));
    return {a, b};
}

}  // namespace lora::adapter
