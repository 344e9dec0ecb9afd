#include "lora/corpus_loss.h"

#include "engine/model_impl.h"
#include "lora/adapter.h"
#include "lora/device.h"
#include "lora/model.h"
#include "train/batch_tensors.h"
#include "train/train_step.h"
#include "train/training_data.h"

#include <algorithm>

namespace lora {

CorpusLoss corpusLoss(const std::filesystem::path& modelDir, const std::filesystem::path& adapterDir,
                      const std::filesystem::path& corpus, const CorpusLossOptions& options)
{
    if (options.threads > 0)
        setComputeThreads(options.threads);
    auto model = Model::load(modelDir, LoadOptions{options.device, options.dtype});
    if (!adapterDir.empty())
        model->setAdapter(Adapter::load(*model, adapterDir));

    // The corpus goes through the training data path, so it is tokenized and packed exactly as training data is.
    TrainingConfig c;
    c.modelDir = modelDir;
    c.dataFile = corpus;
    c.dataset = options.dataset;
    c.batchSize = options.batchSize;
    c.validationFraction = 0;
    c.shuffle = false;
    c.maxSteps = 1;
    // A corpus is measured in the longest windows the model can take: blocks or examples longer than its
    // positions are cut to them rather than refused.
    if (const int64_t positions = model->impl().network->config().maxPositionEmbeddings; positions > 0) {
        c.dataset.blockSize = static_cast<int32_t>(std::min<int64_t>(c.dataset.blockSize, positions));
        c.dataset.maxLength = static_cast<int32_t>(std::min<int64_t>(c.dataset.maxLength, positions));
    }
    const auto data = train::loadTrainingData(c, model->description());

    auto& impl = model->impl();
    auto& network = *impl.network;
    network.eval();
    auto& batcher = *data->train;
    const uint64_t perEpoch = batcher.batchesPerEpoch();
    const uint64_t count =
        options.maxBatches > 0 ? std::min<uint64_t>(static_cast<uint64_t>(options.maxBatches), perEpoch) : perEpoch;
    CorpusLoss out;
    double sum = 0;
    for (uint64_t i = 0; i < count; ++i) {
        const auto batch = train::toTensors(batcher.next(), impl.device);
        sum += train::summedLossNoGrad(network, batch, false);
        out.tokens += batch.lossItems;
        ++out.batches;
    }
    out.meanLoss = out.tokens > 0 ? sum / static_cast<double>(out.tokens) : 0.0;
    return out;
}

}  // namespace lora
