#pragma once
// The mean token loss of a model (optionally with an adapter) on a text corpus: how well it still predicts text
// it knew. Measured before and after fine-tuning on the base model's own corpus, the difference is forgetting.
#include "lora/training.h"

#include <cstdint>
#include <filesystem>

namespace lora {

struct CorpusLossOptions {
    std::string device = "cpu";
    std::string dtype = "float32";
    int64_t batchSize = 8;
    int64_t maxBatches = 0;  // 0: the whole corpus
    int threads = 0;         // 0: LibTorch's default
    DatasetOptions dataset;  // how the corpus is read (format, block size for text; both capped at the model's
                             // positions)
};

struct CorpusLoss {
    double meanLoss = 0;  // per predicted token, natural log
    int64_t tokens = 0;   // tokens it was averaged over
    int64_t batches = 0;
};

// modelDir: a Hugging Face model folder (a base, or a full fine-tuning's output); adapterDir: a PEFT folder for
// it, or empty. Throws lora::Error naming the file for an unreadable model, adapter or corpus.
CorpusLoss corpusLoss(const std::filesystem::path& modelDir, const std::filesystem::path& adapterDir,
                      const std::filesystem::path& corpus, const CorpusLossOptions& options = {});

}  // namespace lora
