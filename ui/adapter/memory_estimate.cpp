#include "adapter/memory_estimate.h"

#include "lora/model.h"

MemoryEstimate estimateTrainingMemory(const lora::ModelDescription& model, int64_t trainable, int64_t newParameters,
                                      int64_t batchSize, int64_t sequenceLength)
{
    MemoryEstimate m;
    m.weights = (model.totalParameters + newParameters) * kBytesPerValue;
    m.gradients = trainable * kBytesPerValue;
    m.optimizer = 2 * trainable * kBytesPerValue;
    const int64_t tokens = batchSize * sequenceLength;
    // A classifier's head output is numLabels wide, a causal LM's the whole vocabulary.
    const int64_t outputs = model.task == "sequence-classification" ? model.numLabels : model.vocabSize;
    const int64_t outputValues = model.task == "sequence-classification" ? batchSize * outputs : tokens * outputs;
    m.activations = (tokens * model.hiddenSize * model.numLayers * kActivationValuesPerHidden + 2 * outputValues) *
                    kBytesPerValue;
    return m;
}
