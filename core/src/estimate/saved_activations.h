#pragma once
// What one transformer block of core's architectures keeps for backward, per token, in elements: read off
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

// Elements per token that one block saves. `trains(kind)` says whether the block's module of that kind
// ("attn.c_attn", "self_attn.q_proj", ...) has a trainable weight (a LoRA branch, or full fine-tuning);
// `full` adds what trainable norm weights make autograd keep. `fusedCpu`: the run takes model/cpu_fused_ops.h's
// kernels (fp32 on the CPU), whose norm and SwiGLU gate keep less than the composite forms.
int64_t savedPerToken(Family family, const BlockShape& shape, const std::function<bool(const std::string&)>& trains,
                      bool full, bool fusedCpu);

// Elements per token the heap keeps beyond the saved tensors, per block: each block's short-lived
// intermediates (norm outputs, base projections before the LoRA addmm, rotary temporaries) are below glibc's
// mmap threshold, so they come from the heap, and the holes they leave between saved tensors stay resident.
// Measured, not derived: peak RSS exceeded the saved tensors by about six hidden-width tensors per block for
// both GPT-2 and SmolLM shapes (bench/estimate_memory.py, LoRA runs).
int64_t heapSlackPerToken(const BlockShape& shape);

}  // namespace lora::estimate
