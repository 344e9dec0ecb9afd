#include "estimate/saved_activations.h"

#include "lora/error.h"
#include "lora/lora_targets.h"

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

int64_t savedPerToken(Family family, const BlockShape& s, const std::function<bool(const std::string&)>& trains,
                      bool full, bool fusedCpu)
{
    const int64_t h = s.hidden, q = s.query, kv = s.keyValue, i = s.intermediate;
    // A frozen projection saves nothing for its input's gradient (only its weight, already counted); a trained
    // one (LoRA's x·Aᵀ, or the weight's own gradient) keeps its input. SDPA (the CPU flash kernel) keeps q, k,
    // v and its output; norms keep their input; the activation keeps its input.
    switch (family) {
    case Family::Gpt2: {
        // ln_1 input, q/k/v (views of c_attn's output), SDPA output, ln_2 input, GELU input (c_fc output).
        int64_t n = h + 3 * q + q + h + i;
        n += trains("attn.c_attn") ? h : 0;  // ln_1 output
        n += trains("attn.c_proj") ? q : 0;  // the merged heads (a copy: transpose + reshape)
        n += trains("mlp.c_fc") ? h : 0;     // ln_2 output
        n += trains("mlp.c_proj") ? i : 0;   // GELU output
        return n;
    }
    case Family::Llama: {
        // RMSNorm keeps its input and 1/rms (one per token) twice; q and k after RoPE and v for SDPA, its
        // output; SiLU's input (gate), and the product's two sides (SiLU output, up). The fused gate keeps gate
        // and up only.
        int64_t n = 2 * (h + 1) + q + 2 * kv + q + (fusedCpu ? 2 : 3) * i;
        if (trains("self_attn.q_proj") || trains("self_attn.k_proj") || trains("self_attn.v_proj"))
            n += h;  // input_layernorm's output
        n += trains("self_attn.o_proj") ? q : 0;
        if (trains("mlp.gate_proj") || trains("mlp.up_proj"))
            n += h;  // post_attention_layernorm's output
        n += trains("mlp.down_proj") ? i : 0;
        n += full && !fusedCpu ? 2 * h : 0;  // x·(1/rms) for the norm weight's gradient (fused: from x and 1/rms)
        return n;
    }
    case Family::Bert: {
        // q, k, v, SDPA output, the two LayerNorms' inputs (post-LN: residual sums), GELU input.
        int64_t n = 3 * q + q + 2 * h + i;
        if (trains("attention.self.query") || trains("attention.self.key") || trains("attention.self.value"))
            n += h;  // the block's input
        n += trains("attention.output.dense") ? q : 0;
        n += trains("intermediate.dense") ? h : 0;
        n += trains("output.dense") ? i : 0;
        return n;
    }
    }
    return 0;
}

int64_t heapSlackPerToken(const BlockShape& shape) { return 6 * shape.hidden; }

}  // namespace lora::estimate
