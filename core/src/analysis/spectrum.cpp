#include "analysis/low_rank.h"

#include "lora/error.h"

namespace lora {
namespace {

void checkOptions(const SpectrumOptions& options)
{
    if (options.topK < 1)
        throw Error("top-k energy needs k ≥ 1 (got " + std::to_string(options.topK) + ")");
    if (!(options.rankThreshold >= 0 && options.rankThreshold < 1))
        throw Error("the relative rank threshold must be in [0, 1) (got " + std::to_string(options.rankThreshold) +
                    ")");
}

}  // namespace

AdapterSpectra analyzeAdapter(const Adapter& adapter, const SpectrumOptions& options)
{
    checkOptions(options);
    torch::NoGradGuard noGrad;
    AdapterSpectra out;
    out.source = adapter.source();
    out.options = options;
    if (adapter.config().useDora)
        out.note = "DoRA adapter: the figures are those of the low-rank part s·B·A; the learned magnitude vector "
                   "rescales each output row of W + s·B·A on top of it and is not part of this spectrum";
    for (const auto& target : adapter.targets()) {
        const auto& branch = analysis::requireBranch(adapter, target.name);
        ModuleSpectrum m;
        m.module = target.name;
        m.kind = moduleKind(target.name);
        m.layer = target.layer;
        m.rank = branch->rank();
        m.scaling = target.scaling;  // the trained scaling, not an inference-time adapter scale
        const auto sigma = analysis::lowRankSingularValues(branch->A, branch->B, target.scaling);
        const auto* p = sigma.data_ptr<double>();
        analysis::fillSpectrumFigures(std::vector<double>(p, p + sigma.numel()), options, m);
        m.weightNorm = analysis::baseWeight(adapter, target.name).to(torch::kFloat64).norm().item<double>();
        m.relativeNorm = m.weightNorm > 0 ? m.deltaNorm / m.weightNorm : 0;
        out.modules.push_back(std::move(m));
    }
    return out;
}

}  // namespace lora
