#include "analysis/low_rank.h"

#include "adapter/adapter_impl.h"
#include "lora/error.h"
#include "model/language_model.h"
#include "model/linear.h"

#include <cmath>

namespace lora::analysis {

torch::Tensor lowRankSingularValues(const torch::Tensor& A, const torch::Tensor& B, double scaling)
{
    torch::NoGradGuard noGrad;
    const auto a = A.detach().to(torch::kCPU, torch::kFloat64);
    const auto b = B.detach().to(torch::kCPU, torch::kFloat64);
    const auto rB = std::get<1>(torch::linalg_qr(b, "reduced"));      // [min(out, r), r]
    const auto rA = std::get<1>(torch::linalg_qr(a.t(), "reduced"));  // [min(in, r), r]
    const auto core = torch::mm(rB, rA.t());
    return torch::linalg_svdvals(core) * std::abs(scaling);
}

void fillSpectrumFigures(const std::vector<double>& singularValues, const SpectrumOptions& options,
                         ModuleSpectrum& out)
{
    out.singularValues = singularValues;
    double sum = 0, sumSquares = 0, topSquares = 0;
    for (size_t i = 0; i < singularValues.size(); ++i) {
        sum += singularValues[i];
        sumSquares += singularValues[i] * singularValues[i];
        if (static_cast<int>(i) < options.topK)
            topSquares += singularValues[i] * singularValues[i];
    }
    out.deltaNorm = std::sqrt(sumSquares);
    out.effectiveRank = 0;
    out.thresholdRank = 0;
    out.topEnergy = 0;
    if (sum <= 0)
        return;
    double entropy = 0;
    for (const double sigma : singularValues) {
        const double p = sigma / sum;
        if (p > 0)
            entropy -= p * std::log(p);
    }
    out.effectiveRank = std::exp(entropy);
    const double cut = options.rankThreshold * singularValues.front();
    for (const double sigma : singularValues)
        out.thresholdRank += sigma > cut ? 1 : 0;
    out.topEnergy = topSquares / sumSquares;
}

const adapter::LoraBranch& requireBranch(const Adapter& adapter, const std::string& module)
{
    for (const auto& t : adapter.targets())
        if (t.name == module)
            return adapter.impl().lora->branch(module);
    std::string names;
    for (size_t i = 0; i < adapter.targets().size() && i < 8; ++i)
        names += (i ? ", " : "") + adapter.targets()[i].name;
    if (adapter.targets().size() > 8)
        names += ", ...";
    const auto where = adapter.source().empty() ? std::string("the adapter") : adapter.source().string();
    throw Error(where + ": no LoRA module named '" + module + "' — it adapts " + names);
}

torch::Tensor baseWeight(const Adapter& adapter, const std::string& module)
{
    return adapter::linearLayoutWeight(adapter::findLinear(*adapter.impl().network, module));
}

}  // namespace lora::analysis
