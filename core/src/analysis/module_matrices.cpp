// W and ΔW of one module for display, averaged down to a size a heatmap can show.
#include "analysis/low_rank.h"

namespace lora {
namespace {

FloatArray downsampled(const torch::Tensor& matrix, int maxSide)
{
    auto m = matrix.detach().to(torch::kCPU, torch::kFloat32);
    const int64_t rows = std::min<int64_t>(m.size(0), maxSide), cols = std::min<int64_t>(m.size(1), maxSide);
    if (rows != m.size(0) || cols != m.size(1))
        m = torch::adaptive_avg_pool2d(m.unsqueeze(0), {rows, cols}).squeeze(0);
    m = m.contiguous();
    FloatArray out;
    out.shape = {rows, cols};
    out.values.assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
    return out;
}

}  // namespace

ModuleMatrices moduleMatrices(const Adapter& adapter, const std::string& module, int maxSide)
{
    torch::NoGradGuard noGrad;
    const auto& branch = analysis::requireBranch(adapter, module);
    double scaling = 0;
    for (const auto& t : adapter.targets())
        if (t.name == module)
            scaling = t.scaling;
    const auto weight = analysis::baseWeight(adapter, module);
    const auto delta = torch::mm(branch->B.detach().to(torch::kFloat32), branch->A.detach().to(torch::kFloat32)) *
                       scaling;
    ModuleMatrices out;
    out.fullShape = {weight.size(0), weight.size(1)};
    out.weight = downsampled(weight, std::max(1, maxSide));
    out.delta = downsampled(delta, std::max(1, maxSide));
    return out;
}

}  // namespace lora
