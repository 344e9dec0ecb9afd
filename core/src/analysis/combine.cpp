// Weighted combination of adapters, module by module, exactly as PEFT's add_weighted_adapter computes it.
#include "analysis/combine_config.h"
#include "analysis/low_rank.h"

#include "adapter/adapter_impl.h"
#include "adapter/peft_folder.h"
#include "engine/model_impl.h"
#include "lora/error.h"

#include <cmath>
#include <map>

namespace lora {
namespace {

struct Part {
    torch::Tensor A;  // [r, in], float32
    torch::Tensor B;  // [out, r]
    double weight = 1;
    double scaling = 1;
};

void checkInputs(Model& model, const std::vector<WeightedAdapter>& inputs)
{
    if (inputs.empty())
        throw Error("combine needs at least one adapter");
    for (const auto& in : inputs) {
        if (!in.adapter)
            throw Error("combine was given an empty adapter");
        const auto name = in.adapter->source().empty() ? std::string("an adapter") : in.adapter->source().string();
        if (in.adapter->impl().network != model.impl().network)
            throw Error(name + ": loaded on another model; load every adapter on the model you combine them for");
        if (in.adapter->config().useDora)
            throw Error(name + ": a DoRA adapter; its magnitude vector has no weighted combination in PEFT, so "
                               "only plain LoRA adapters can be combined");
        if (!in.adapter->modulesToSave().empty())
            throw Error(name + ": has modules_to_save (" + in.adapter->modulesToSave().front() +
                        "), fully trained copies that cannot be combined; combine adapters without them");
        if (in.adapter->modifiesBase())
            throw Error(name + ": a PiSSA adapter made in memory (its base is a residual); save and reload it first");
    }
}

int newRankFor(CombineMethod method, const std::vector<WeightedAdapter>& inputs, int requested)
{
    int sum = 0, largest = 0;
    for (const auto& in : inputs) {
        const int r = analysis::peftRank(in.adapter->config());
        sum += r;
        largest = std::max(largest, r);
    }
    switch (method) {
    case CombineMethod::Linear:
        for (const auto& in : inputs)
            if (analysis::peftRank(in.adapter->config()) != largest)
                throw Error("the linear combination needs adapters of equal rank (got " +
                            std::to_string(analysis::peftRank(inputs.front().adapter->config())) + " and " +
                            std::to_string(analysis::peftRank(in.adapter->config())) +
                            "); use cat or svd for different ranks");
        return largest;
    case CombineMethod::Cat:
        return sum;
    case CombineMethod::Svd:
        if (requested < 0)
            throw Error("the svd target rank must be ≥ 1 (or 0 for the largest input rank)");
        return requested > 0 ? requested : largest;
    }
    return largest;
}

// PEFT's _generalized_task_arithmetic_weighted_adapter with "linear".
std::pair<torch::Tensor, torch::Tensor> linear(const std::vector<Part>& parts, const std::string& module)
{
    torch::Tensor A, B;
    for (const auto& p : parts) {
        if (A.defined() && A.size(0) != p.A.size(0))
            throw Error("'" + module + "' has rank " + std::to_string(A.size(0)) + " in one adapter and " +
                        std::to_string(p.A.size(0)) + " in another (rank_pattern); use cat or svd");
        const double ws = p.weight * p.scaling;
        const double root = std::sqrt(std::abs(ws));
        const auto a = p.A * (ws >= 0 ? root : -root);
        const auto b = p.B * root;
        A = A.defined() ? A + a : a;
        B = B.defined() ? B + b : b;
    }
    return {A, B};
}

std::pair<torch::Tensor, torch::Tensor> cat(const std::vector<Part>& parts, int newRank)
{
    std::vector<torch::Tensor> as, bs;
    for (const auto& p : parts) {
        as.push_back(p.A * (p.weight * p.scaling));
        bs.push_back(p.B);
    }
    auto A = torch::cat(as, 0), B = torch::cat(bs, 1);
    const auto missing = newRank - A.size(0);  // modules some inputs lack: zero rows, as PEFT leaves them
    return {torch::constant_pad_nd(A, {0, 0, 0, missing}), torch::constant_pad_nd(B, {0, missing})};
}

// PEFT's _svd_generalized_task_arithmetic_weighted_adapter with "svd": B = U_r Σ_r, A = V_rᵀ.
std::pair<torch::Tensor, torch::Tensor> svd(const std::vector<Part>& parts, int newRank)
{
    torch::Tensor sum;
    for (const auto& p : parts) {
        const auto delta = torch::mm(p.B.to(torch::kFloat64), p.A.to(torch::kFloat64)) * (p.weight * p.scaling);
        sum = sum.defined() ? sum + delta : delta;
    }
    auto [U, S, Vh] = torch::linalg_svd(sum, false);
    const auto kept = std::min<int64_t>(newRank, S.size(0));
    auto B = U.narrow(1, 0, kept) * S.narrow(0, 0, kept).unsqueeze(0);
    auto A = Vh.narrow(0, 0, kept);
    const auto missing = newRank - kept;  // a rank above min(out, in): zero directions
    return {torch::constant_pad_nd(A, {0, 0, 0, missing}).to(torch::kFloat32),
            torch::constant_pad_nd(B, {0, missing}).to(torch::kFloat32)};
}

}  // namespace

CombineMethod combineMethodFromName(const std::string& name)
{
    if (name == "linear")
        return CombineMethod::Linear;
    if (name == "cat")
        return CombineMethod::Cat;
    if (name == "svd")
        return CombineMethod::Svd;
    throw Error("unknown combination method '" + name + "' — use linear, cat or svd");
}

CombineResult combineAdapters(Model& model, const std::vector<WeightedAdapter>& inputs, CombineMethod method,
                              int rank, const std::filesystem::path& outDir)
{
    torch::NoGradGuard noGrad;
    checkInputs(model, inputs);
    if (inputs.size() == 1)
        method = CombineMethod::Linear;  // as PEFT: one adapter is always combined linearly
    const int newRank = newRankFor(method, inputs, rank);
    const auto config = analysis::combinedConfig(inputs, newRank);
    const auto targets = selectTargets(model.description(), config);

    std::map<std::string, torch::Tensor> tensors;
    for (const auto& target : targets) {
        std::vector<Part> parts;
        for (const auto& in : inputs)
            for (const auto& t : in.adapter->targets())
                if (t.name == target.name) {
                    const auto& branch = in.adapter->impl().lora->branch(t.name);
                    parts.push_back({branch->A.detach().to(torch::kCPU, torch::kFloat32),
                                     branch->B.detach().to(torch::kCPU, torch::kFloat32), in.weight, t.scaling});
                }
        if (parts.empty())
            throw Error("'" + target.name + "' is a target of the combined configuration but none of the adapters "
                        "adapts it (their layers_to_transform differ); combine adapters over the same layers");
        const auto [A, B] = method == CombineMethod::Linear ? linear(parts, target.name)
                            : method == CombineMethod::Cat  ? cat(parts, newRank)
                                                            : svd(parts, newRank);
        tensors[target.name + ".lora_A.weight"] = A.contiguous();
        tensors[target.name + ".lora_B.weight"] = B.contiguous();
    }
    auto& network = *model.impl().network;
    const auto combined = adapter::LoraAdapter::fromTensors(network, config, targets, tensors, outDir.string());
    adapter::savePeftFolder(*combined, outDir);
    return {newRank, static_cast<int>(targets.size())};
}

}  // namespace lora
