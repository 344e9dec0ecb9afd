#include "estimate/saved_activations.h"

#include "lora/error.h"
#include "lora/lora_targets.h"

#include <algorithm>
#include <vector>

namespace lora::estimate {

namespace {

// Output features of the layer-0 module of this kind (Conv1D stores its weight [in, out]).
int64_t outFeatures(const ModelDescription& model, const std::string& kind)
{
    for (const auto& m : model.modules) {
        if (m.weightShape.size() != 2 || layerIndexOf(m.name) != 0 || moduleKind(m.name) != kind)
            continue;
        return m.type == "Conv1D" ? m.weightShape[1] : m.weightShape[0];
    }
    throw Error("model: no layer-0 module '" + kind + "' in a " + model.modelType +
                " model — the memory estimate does not know this architecture's layout");
}

// Projections that read the same tensor (a block's q, k and v read the same normed input) share one saved copy.
struct ProjectionInput {
    std::vector<std::string> kinds;
    int64_t width;
};

// What a block keeps whatever trains: norms' inputs, attention's q, k, v and output, the activation's input.
int64_t fixedSaves(Family family, const BlockShape& s, bool full, bool fusedCpu)
{
    const int64_t h = s.hidden, q = s.query, kv = s.keyValue, i = s.intermediate;
    switch (family) {
    case Family::Gpt2:
        // ln_1 input, q/k/v (views of c_attn's output), SDPA output, ln_2 input, GELU input (c_fc output).
        return h + 3 * q + q + h + i;
    case Family::Llama:
        // RMSNorm keeps its input and 1/rms (one per token) twice; q and k after RoPE and v for SDPA, its
        // output; SiLU's input (gate), and the product's two sides (SiLU output, up). The fused gate keeps gate
        // and up only; the fused norm rebuilds x·(1/rms) for a trained norm weight from x and 1/rms.
        return 2 * (h + 1) + q + 2 * kv + q + (fusedCpu ? 2 : 3) * i + (full && !fusedCpu ? 2 * h : 0);
    case Family::Bert:
        // q, k, v, SDPA output, the two LayerNorms' inputs (post-LN: residual sums), GELU input.
        return 3 * q + q + 2 * h + i;
    }
    return 0;
}

std::vector<ProjectionInput> projectionInputs(Family family, const BlockShape& s)
{
    const int64_t h = s.hidden, q = s.query, i = s.intermediate;
    switch (family) {
    case Family::Gpt2:
        // ln_1 output; the merged heads (a copy: transpose + reshape); ln_2 output; GELU output.
        return {{{"attn.c_attn"}, h}, {{"attn.c_proj"}, q}, {{"mlp.c_fc"}, h}, {{"mlp.c_proj"}, i}};
    case Family::Llama:
        return {{{"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"}, h},
                {{"self_attn.o_proj"}, q},
                {{"mlp.gate_proj", "mlp.up_proj"}, h},
                {{"mlp.down_proj"}, i}};
    case Family::Bert:
        // The block's input; the attention output; its LayerNorm's output; GELU output.
        return {{{"attention.self.query", "attention.self.key", "attention.self.value"}, h},
                {{"attention.output.dense"}, q},
                {{"intermediate.dense"}, h},
                {{"output.dense"}, i}};
    }
    return {};
}

}  // namespace

Family familyOf(const ModelDescription& model)
{
    if (model.modelType == "gpt2")
        return Family::Gpt2;
    if (model.modelType == "bert")
        return Family::Bert;
    return Family::Llama;  // llama, mistral, qwen2: core builds them all with model/llama.cpp
}

BlockShape blockShape(const ModelDescription& model, Family family)
{
    BlockShape s;
    s.hidden = model.hiddenSize;
    switch (family) {
    case Family::Gpt2:
        s.query = s.keyValue = outFeatures(model, "attn.c_attn") / 3;
        s.intermediate = outFeatures(model, "mlp.c_fc");
        break;
    case Family::Llama:
        s.query = outFeatures(model, "self_attn.q_proj");
        s.keyValue = outFeatures(model, "self_attn.k_proj");
        s.intermediate = outFeatures(model, "mlp.gate_proj");
        break;
    case Family::Bert:
        s.query = s.keyValue = outFeatures(model, "attention.self.query");
        s.intermediate = outFeatures(model, "intermediate.dense");
        break;
    }
    return s;
}

int64_t savedBytesPerToken(Family family, const BlockShape& shape,
                           const std::function<bool(const std::string&)>& trains, const SavedTensorsContext& c)
{
    int64_t bytes = fixedSaves(family, shape, c.full, c.fusedCpu) * c.elementBytes;
    // A frozen projection saves nothing for its input's gradient (only its weight, already counted); a trained
    // one (LoRA's x·Aᵀ, or the weight's own gradient) keeps its input.
    for (const auto& input : projectionInputs(family, shape)) {
        const auto trained =
            std::count_if(input.kinds.begin(), input.kinds.end(), [&](const std::string& k) { return trains(k); });
        if (trained == 0)
            continue;
        if (!c.loraDropout) {
            bytes += input.width * c.elementBytes;
        } else if (c.fusedLora) {
            // adapter/lora_fused_linear.h: the shared input, and a one-byte keep mask per branch.
            bytes += input.width * c.elementBytes + trained * input.width;
        } else {
            // Composite form: each branch's dropout keeps its noise, and its x·Aᵀ the dropped input.
            bytes += trained * 2 * input.width * c.elementBytes;
        }
    }
    return bytes;
}

int64_t heapSlackPerToken(const BlockShape& shape) { return 6 * shape.hidden; }

}  // namespace lora::estimate
