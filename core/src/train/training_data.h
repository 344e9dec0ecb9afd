#pragma once
// The data side of a run: the dataset read with the model's tokenizer, split into training and validation,
// and batchers over both. Built before anything is trained, so data problems are reported first.
#include "lora/dataset.h"
#include "lora/model.h"
#include "lora/tokenizer.h"
#include "lora/training.h"

#include <memory>
#include <optional>

namespace lora::train {

struct TrainingData {
    Dataset dataset;  // the batchers view its examples: this struct stays where it was built
    SplitIndices split;
    std::unique_ptr<Batcher> train;
    std::unique_ptr<Batcher> validation;  // null without a validation split
    int64_t totalSteps = 0;

    // Micro-batches consumed so far, in epochs.
    double epochAt(const DataPosition& position) const;
};

// Throws lora::Error for a missing tokenizer, unreadable or empty data, data whose task does not fit the
// model (text for a classifier), token ids the model cannot embed, or settings that leave no step to run.
std::unique_ptr<TrainingData> loadTrainingData(const TrainingConfig& config, const ModelDescription& model);

}  // namespace lora::train
