#pragma once
// A rough training-memory estimate, to compare LoRA with full fine-tuning before training anything.
// It is an estimate (labelled so in the UI): real use adds framework workspace, allocator slack and the
// attention-score matrices, and is lower with mixed precision or activation checkpointing.
//
// Float32 training with AdamW, 4 bytes a value:
//   weights      = every base parameter                           (frozen or not, it must be in memory)
//                + the trainable parameters that are new            (LoRA's A and B; none for full fine-tuning)
//   gradients    = trainable parameters
//   optimizer    = 2 × trainable parameters                        (AdamW's first and second moments)
//   activations  = batch × sequence × hidden × layers × 17        (values a block keeps for the backward pass,
//                                                                   after Korthikanti et al. 2022's 34·s·b·h
//                                                                   bytes at 16 bits, without the s² term)
//                + 2 × batch × sequence × vocabulary               (the logits and their gradient)
// LoRA still back-propagates through every frozen block to reach the adapters below it, so its activations
// are those of full fine-tuning: it saves the gradient and optimizer memory, not the activations.
#include <cstdint>

namespace lora {
struct ModelDescription;
}

struct MemoryEstimate {
    int64_t weights = 0;
    int64_t gradients = 0;
    int64_t optimizer = 0;
    int64_t activations = 0;
    int64_t total() const { return weights + gradients + optimizer + activations; }
};

inline constexpr int kActivationValuesPerHidden = 17;
inline constexpr int kBytesPerValue = 4;

// trainable: parameters that get gradients; newParameters: those not in the base model (the adapter's).
MemoryEstimate estimateTrainingMemory(const lora::ModelDescription& model, int64_t trainable, int64_t newParameters,
                                      int64_t batchSize, int64_t sequenceLength);
