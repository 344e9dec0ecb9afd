#pragma once
// The Train page's memory estimate: core's estimate for the run about to start (lora/memory_estimate.h), in
// words for a label, its breakdown for the tooltip, and whether it fits in the memory the device has.
#include "lora/model.h"
#include "lora/training.h"

#include <QString>

#include <cstdint>

struct MemoryCheck {
    QString summary;    // "Estimated memory: 1.9 GB of 12.3 GB available", or why there is no estimate
    QString breakdown;  // rich text: each part, for the tooltip
    int64_t needed = 0;     // bytes; 0 when there is no estimate
    int64_t available = 0;  // bytes; 0 when unknown
    bool fits() const { return needed == 0 || available == 0 || needed <= available; }
};

// `sequenceLength`: tokens per example the batches will hold (the dataset's longest example, as batches are
// padded to their longest row). `available`: bytes the device can use, 0 if unknown.
MemoryCheck checkTrainingMemory(const lora::ModelDescription& model, const lora::TrainingConfig& config,
                                int64_t sequenceLength, int64_t available);
