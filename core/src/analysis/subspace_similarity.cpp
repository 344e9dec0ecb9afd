// The LoRA paper's subspace similarity (§7, eq. 4) between the A matrices of two adapters on one module.
#include "analysis/low_rank.h"

#include "lora/error.h"

#include <algorithm>

namespace lora {
namespace {

// Right-singular vectors of A [r, in] as columns, [in, min(r, in)], strongest first.
torch::Tensor rightSingularVectors(const torch::Tensor& A)
{
    const auto vh = std::get<2>(torch::linalg_svd(A.detach().to(torch::kCPU, torch::kFloat64), false));
    return vh.t();
}

}  // namespace

std::vector<std::string> commonModules(const Adapter& first, const Adapter& second)
{
    std::vector<std::string> out;
    for (const auto& a : first.targets())
        for (const auto& b : second.targets())
            if (a.name == b.name)
                out.push_back(a.name);
    return out;
}

SubspaceSimilarity subspaceSimilarity(const Adapter& first, const Adapter& second, const std::string& module)
{
    torch::NoGradGuard noGrad;
    const auto& a = analysis::requireBranch(first, module);
    const auto& b = analysis::requireBranch(second, module);
    if (a->A.size(1) != b->A.size(1))
        throw Error("'" + module + "' takes " + std::to_string(a->A.size(1)) + " inputs in one adapter and " +
                    std::to_string(b->A.size(1)) + " in the other: the adapters are for different base models");
    const auto u1 = rightSingularVectors(a->A);
    const auto u2 = rightSingularVectors(b->A);
    // overlap(i, j) = ‖U₁[:, :i]ᵀ U₂[:, :j]‖_F² is a 2-D prefix sum of the squared entries of U₁ᵀ U₂.
    const auto squared = torch::mm(u1.t(), u2).square().cumsum(0).cumsum(1).contiguous();
    SubspaceSimilarity out;
    out.module = module;
    out.rows = static_cast<int>(squared.size(0));
    out.cols = static_cast<int>(squared.size(1));
    const auto* p = squared.data_ptr<double>();
    for (int i = 1; i <= out.rows; ++i)
        for (int j = 1; j <= out.cols; ++j)
            out.values.push_back(p[(i - 1) * out.cols + (j - 1)] / std::min(i, j));
    return out;
}

}  // namespace lora
