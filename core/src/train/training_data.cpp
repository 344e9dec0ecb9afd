#include "train/training_data.h"

#include "lora/error.h"

#include <cmath>

namespace lora::train {

namespace {

std::filesystem::path tokenizerFileOf(const TrainingConfig& config)
{
    const auto file = config.tokenizerFile.empty() ? config.modelDir / "tokenizer.json" : config.tokenizerFile;
    if (!std::filesystem::exists(file))
        throwFileError(file, "not found: training reads its data with the model's tokenizer.json "
                             "(put one in the model folder or choose a tokenizer file)");
    return file;
}

void checkFits(const Dataset& data, const ModelDescription& model)
{
    const bool classifier = model.task == "sequence-classification";
    if (classifier != (data.task == TaskKind::Classification))
        throwFileError(data.file, classifier
                                      ? "holds text for a causal language model, but the model is a classifier "
                                        "(use a CSV/TSV file with text and label columns)"
                                      : "holds labelled rows for classification, but the model is a causal language "
                                        "model (use text or JSONL)");
    if (classifier && static_cast<int>(data.labelNames.size()) > model.numLabels)
        throwFileError(data.file, "has " + std::to_string(data.labelNames.size()) + " labels but the model has " +
                                      std::to_string(model.numLabels) + " outputs");
    for (const auto& e : data.examples)
        for (const auto id : e.inputIds)
            if (id < 0 || id >= model.vocabSize)
                throwFileError(data.file, "line " + std::to_string(e.line) + ": token id " + std::to_string(id) +
                                              " is outside the model's vocabulary of " +
                                              std::to_string(model.vocabSize) +
                                              " (is the tokenizer the model's own?)");
}

}  // namespace

double TrainingData::epochAt(const DataPosition& p) const
{
    const auto perEpoch = static_cast<double>(train->batchesPerEpoch());
    return static_cast<double>(p.epoch) + static_cast<double>(p.batch) / perEpoch;
}

std::unique_ptr<TrainingData> loadTrainingData(const TrainingConfig& config, const ModelDescription& model)
{
    const auto tokenizer = Tokenizer::fromFile(tokenizerFileOf(config));
    auto data = std::make_unique<TrainingData>();
    data->dataset = loadDataset(config.dataFile, *tokenizer, config.dataset);
    if (data->dataset.examples.empty())
        throwFileError(config.dataFile, "has no training examples");
    checkFits(data->dataset, model);

    data->split = splitTrainValidation(data->dataset.examples.size(), config.validationFraction, config.seed);
    BatcherOptions options;
    options.batchSize = static_cast<size_t>(config.batchSize);
    options.seed = config.seed;
    options.shuffle = config.shuffle;
    // Any id works (masked and ignored); the EOS id keeps padded rows inside every vocabulary.
    options.padId = data->dataset.eosId.value_or(0);
    data->train = std::make_unique<Batcher>(data->dataset.examples, data->split.train, options);
    if (!data->split.validation.empty()) {
        BatcherOptions v = options;
        v.shuffle = false;  // the same batches at every evaluation, so losses compare across steps
        data->validation = std::make_unique<Batcher>(data->dataset.examples, data->split.validation, v);
    }

    if (config.maxSteps > 0) {
        data->totalSteps = config.maxSteps;
    } else {
        const double microBatches = config.epochs * static_cast<double>(data->train->batchesPerEpoch());
        data->totalSteps = static_cast<int64_t>(std::ceil(microBatches / static_cast<double>(config.gradientAccumulation)));
    }
    if (data->totalSteps < 1)
        throw Error("the settings leave no optimizer step to run (max_steps and num_train_epochs are 0)");
    return data;
}

}  // namespace lora::train
