#include "adapter/merge.h"

#include "lora/error.h"
#include "model/language_model.h"
#include "model/linear.h"

namespace lora::adapter {

torch::Tensor mergedWeight(const LoraBranchImpl& branch, const model::LinearImpl& base, torch::Tensor weight)
{
    torch::NoGradGuard noGrad;
    if (!weight.defined())
        weight = base.weight;
    const auto device = branch.A.device();
    const auto w = (base.fanInFanOut() ? weight.t() : weight).to(device, torch::kFloat32);  // [out, in]
    const auto delta = torch::mm(branch.B.to(torch::kFloat32), branch.A.to(torch::kFloat32)) * branch.scaling();
    auto merged = w + delta;
    if (branch.dora()) {
        // PEFT caches this norm of the unmerged weight: the factor must not be recomputed from the merged one.
        const auto norm = torch::linalg_vector_norm(merged, 2, /*dim=*/1, /*keepdim=*/true, std::nullopt);
        merged = (branch.magnitude.to(torch::kFloat32).unsqueeze(1) / norm) * merged;
    }
    const auto stored = base.fanInFanOut() ? merged.t() : merged;
    return stored.to(weight.device(), weight.scalar_type()).contiguous();
}

MergeBackup mergeAdapter(const LoraAdapter& adapter, model::LanguageModel& network)
{
    torch::NoGradGuard noGrad;
    LoraAdapter::detach(network);
    for (const auto& t : adapter.targets())
        if (weightIsShared(network, findLinear(network, t.name)))
            throw Error("cannot merge into '" + t.name + "': its weight is tied to another module, which merging "
                        "would change too");
    MergeBackup backup;
    for (const auto& t : adapter.targets()) {
        auto& base = findLinear(network, t.name);
        auto merged = mergedWeight(*adapter.branch(t.name), base);
        backup.originals.emplace_back(t.name, base.weight.detach().clone());
        base.weight.copy_(merged);
    }
    adapter.attachSavedModules(network);
    return backup;
}

void unmergeAdapter(model::LanguageModel& network, const MergeBackup& backup)
{
    torch::NoGradGuard noGrad;
    LoraAdapter::detach(network);
    for (const auto& [name, original] : backup.originals)
        findLinear(network, name).weight.copy_(original);
}

}  // namespace lora::adapter
