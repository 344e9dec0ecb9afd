#pragma once
// Training memory before a run starts, from the model's description alone (no tensor is built), so the
// Train page can say whether a run will fit and what takes the room. bench/estimate_memory.py compares the
// estimate with the peak RSS of real training steps (docs/BENCHMARKS.md).
#include "lora/lora_config.h"
#include "lora/model.h"
#include "lora/training.h"

#include <cstdint>
#include <string>

namespace lora {

struct MemoryEstimateSettings {
    TrainingMode mode = TrainingMode::Lora;
    LoraConfig lora;               // LoRA only: which modules train, at what rank
    int64_t batchSize = 1;         // examples per micro-batch
    int64_t sequenceLength = 0;    // tokens per example (the longest one: batches are padded to it)
    std::string dtype = "float32";  // the model's weights: float32, bfloat16, float16
    std::string device = "cpu";     // cpu or cuda[:N]: which fixed overhead applies
};

// Bytes. Every part is the peak's share of that kind, so total() is the expected peak of the process (CPU:
// resident memory) or of the device's memory (CUDA).
struct MemoryEstimate {
    int64_t weights = 0;          // the base model at the run's dtype (tied weights once)
    int64_t loraParameters = 0;   // the adapter's A and B (and modules_to_save copies); 0 for full fine-tuning
    int64_t gradients = 0;        // one per trainable parameter
    int64_t optimizerStates = 0;  // AdamW: two moments per trainable parameter
    int64_t activations = 0;      // what the forward pass keeps for backward, at batch x sequence length
    int64_t lossHead = 0;         // the output head's logits and their gradient while the loss is computed
    int64_t fixedOverhead = 0;    // the process itself: LibTorch's start-up on the CPU, the CUDA context on a GPU
    int64_t trainableParameters = 0;  // for the breakdown (count, not bytes)

    int64_t total() const
    {
        return weights + loraParameters + gradients + optimizerStates + activations + lossHead + fixedOverhead;
    }
};

// Throws lora::Error when the LoRA targets match nothing (as selectTargets does), the dtype is unknown or the
// batch size or sequence length is not positive.
MemoryEstimate estimateTrainingMemory(const ModelDescription& model, const MemoryEstimateSettings& settings);

// Memory a run on `device` can use: MemAvailable of /proc/meminfo for "cpu", the device's total memory for
// "cuda[:N]"; 0 when it cannot be told (then no warning is given).
int64_t availableMemoryBytes(const std::string& device);

// "1.4 GB", "730 MB": for messages (decimal units, as system monitors show memory).
std::string formatMemory(int64_t bytes);

}  // namespace lora
