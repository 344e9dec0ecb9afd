#include "lora/memory_estimate.h"

#include "estimate/saved_activations.h"
#include "lora/error.h"
#include "lora/lora_targets.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

namespace lora {

namespace {

// Resident memory of a process that has started LibTorch and run its first CPU kernels (thread pools, oneDNN
// and MKL's buffers, the library's own pages), before any model is loaded: bench/estimate_memory.py prints
// it ("start-up RSS") with every comparison; 372 MiB with LibTorch 2.15 (2026-11-29).
constexpr int64_t kCpuProcessBytes = int64_t{370} << 20;
// The CUDA context, cuBLAS's workspace and the caching allocator's rounding on a GPU. Not measured on this
// project's machines yet (scripts/device-check prints the estimate next to the measured peak).
constexpr int64_t kCudaProcessBytes = int64_t{600} << 20;
// train/head_loss.cpp scores the LM head in chunks of about this many logits (float32).
constexpr int64_t kHeadChunkLogits = int64_t{8} << 20;

int64_t dtypeBytes(const std::string& dtype)
{
    if (dtype == "float32")
        return 4;
    if (dtype == "bfloat16" || dtype == "float16")
        return 2;
    throw Error("memory estimate: unknown dtype '" + dtype + "' — use float32, bfloat16 or float16");
}

const ModuleInfo* findModule(const ModelDescription& model, const std::string& name)
{
    for (const auto& m : model.modules)
        if (m.name == name)
            return &m;
    return nullptr;
}

// (layer, module kind) of every module whose weight trains; layer -1 for modules outside the blocks.
std::set<std::pair<int, std::string>> trainedModules(const ModelDescription& model, const MemoryEstimateSettings& s,
                                                     int64_t& trainable)
{
    std::set<std::pair<int, std::string>> out;
    if (s.mode == TrainingMode::Full) {
        trainable = model.totalParameters;
        for (const auto& m : model.modules)
            out.insert({layerIndexOf(m.name), moduleKind(m.name)});
        return out;
    }
    const auto targets = selectTargets(model, s.lora);
    trainable = computeBudget(model, targets, s.lora).trainable;
    for (const auto& t : targets)
        out.insert({t.layer, moduleKind(t.name)});
    return out;
}

}  // namespace

MemoryEstimate estimateTrainingMemory(const ModelDescription& model, const MemoryEstimateSettings& s)
{
    if (s.batchSize < 1 || s.sequenceLength < 1)
        throw Error("memory estimate: batch size and sequence length must be at least 1 (got " +
                    std::to_string(s.batchSize) + " and " + std::to_string(s.sequenceLength) + ")");
    const int64_t bytes = dtypeBytes(s.dtype);
    const bool full = s.mode == TrainingMode::Full;
    MemoryEstimate e;
    const auto trained = trainedModules(model, s, e.trainableParameters);
    e.weights = model.totalParameters * bytes;
    if (!full)
        e.loraParameters = e.trainableParameters * bytes;
    e.gradients = e.trainableParameters * bytes;
    e.optimizerStates = 2 * e.trainableParameters * bytes;  // AdamW's exp_avg and exp_avg_sq, the params' dtype

    // Blocks below the lowest trained one pass no gradient, so autograd keeps nothing for them.
    int firstTrained = model.numLayers;
    bool headTrained = false;
    for (const auto& [layer, kind] : trained) {
        if (layer >= 0)
            firstTrained = std::min(firstTrained, layer);
        headTrained = headTrained || (layer < 0 && (kind == "lm_head" || full));
    }
    if (full)
        firstTrained = 0;
    const int64_t tokens = s.batchSize * s.sequenceLength;
    const auto family = estimate::familyOf(model);
    const auto shape = estimate::blockShape(model, family);
    estimate::SavedTensorsContext saved;
    saved.full = full;
    saved.fusedCpu = s.dtype == "float32" && s.device == "cpu";  // model/cpu_fused_ops.h applies
    saved.fusedLora = saved.fusedCpu && !s.lora.useDora;
    saved.loraDropout = !full && s.lora.dropout > 0.0;
    saved.elementBytes = bytes;
    int64_t perTokenBytes = 0;
    for (int layer = firstTrained; layer < model.numLayers; ++layer) {
        const auto trains = [&](const std::string& kind) { return full || trained.count({layer, kind}) > 0; };
        perTokenBytes += estimate::savedBytesPerToken(family, shape, trains, saved) +
                         estimate::heapSlackPerToken(shape) * bytes;
    }
    const bool anyGradient = firstTrained < model.numLayers;
    if (anyGradient)  // the final norm's input (and output when trained)
        perTokenBytes += (shape.hidden + (full ? shape.hidden : 0)) * bytes;
    e.activations = perTokenBytes * tokens;

    if (model.task == "causal-lm") {
        const auto* head = findModule(model, "lm_head");
        const int64_t vocab = head && head->weightShape.size() == 2 ? head->weightShape[0] : model.vocabSize;
        const int64_t positions = s.batchSize * (s.sequenceLength - 1);
        if (!headTrained && !full) {
            // train/head_loss.cpp: the hidden states, their gradient and its [B (T - 1), H] buffer, plus one
            // chunk of float32 logits at a time.
            e.lossHead = 3 * tokens * shape.hidden * bytes + std::min(kHeadChunkLogits, positions * vocab) * 4;
        } else {
            // Plain path (train/loss.cpp): the logits, their shifted float32 copy and its log-softmax are alive
            // together; backward holds as many gradients of that size.
            e.lossHead = tokens * vocab * bytes + 2 * positions * vocab * 4;
        }
    }
    e.fixedOverhead = s.device.rfind("cuda", 0) == 0 ? kCudaProcessBytes : kCpuProcessBytes;
    return e;
}

std::string formatMemory(int64_t bytes)
{
    char text[32];
    if (bytes >= 1'000'000'000)
        std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
    else
        std::snprintf(text, sizeof text, "%.0f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

}  // namespace lora
