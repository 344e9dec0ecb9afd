#pragma once
// What one transformer block of core's architectures keeps for backward, per token: read off
// the code in core/src/model (which tensors autograd saves given which weights train), not measured.
#include "lora/model.h"

#include <cstdint>
#include <functional>
#include <string>

namespace lora::estimate {

enum class Family { Gpt2, Llama, Bert };

Family familyOf(const ModelDescription& model);

// Widths of a block's tensors, from the layer-0 modules' weight shapes.
struct BlockShape {
    int64_t hidden = 0;
    int64_t query = 0;         // query projection width (heads x head dim)
    int64_t keyValue = 0;      // key (= value) projection width; less than query under grouped-query attention
    int64_t intermediate = 0;  // the MLP's inner width
};

BlockShape blockShape(const ModelDescription& model, Family family);

struct SavedTensorsContext {
    bool full = false;         // full fine-tuning: trainable norm weights make autograd keep more
    bool fusedCpu = false;     // the run takes model/cpu_fused_ops.h's kernels (fp32 on the CPU)
    bool fusedLora = false;    // ... and adapter/lora_fused_linear.h's LoRA layer (not with DoRA)
    bool loraDropout = false;  // LoRA dropout is on: each branch keeps its mask
    int64_t elementBytes = 4;  // the activations' dtype
};

// Bytes per token that one block saves for backward. `trains(kind)` says whether the block's module of that kind
// ("attn.c_attn", "self_attn.q_proj", ...) has a trainable weight (a LoRA branch, or full fine-tuning).
int64_t savedBytesPerToken(Family family, const BlockShape& shape,
                           const std::function<bool(const std::string&)>& trains, const SavedTensorsContext& context);

// Elements per token the heap keeps beyond the saved tensors, per block: each block's short-lived
// intermediates (norm outputs, base projections before the LoRA addmm, rotary temporaries) are below glibc's
// mmap threshold, so they come from the heap, and the holes they leave between saved tensors stay resident.
// Measured, not derived: peak RSS exceeded the saved tensors by about six hidden-width tensors per block for
// both GPT-2 and SmolLM shapes (bench/estimate_memory.py, LoRA runs).
int64_t heapSlackPerToken(const BlockShape& shape);

}  // namespace lora::estimate
