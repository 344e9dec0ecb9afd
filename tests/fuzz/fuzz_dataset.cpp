// A dataset file from hostile bytes, read by each reader (the first byte picks text, JSONL or CSV/TSV), tokenised
// with the bundled model's tokenizer, with bad rows skipped (the GUI's choice) and then refused (the default).
#include "fuzz_support.h"
#include "lora/dataset.h"
#include "lora/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const auto tokenizer = lora::Tokenizer::fromFile(LORA_FUZZ_TOKENIZER_JSON);
    if (size == 0)
        return 0;
    static const char* const names[] = {"data.txt", "data.jsonl", "data.csv", "data.tsv", "data.json"};
    const auto file = lora::fuzz::writeScratch(names[data[0] % 5], lora::fuzz::asText(data + 1, size - 1));
    for (const auto policy : {lora::BadRowPolicy::Skip, lora::BadRowPolicy::Fail}) {
        lora::fuzz::expectOnlyLoraErrors([&] {
            lora::DatasetOptions options;
            options.badRows = policy;
            options.maxLength = 64;
            options.maxLineBytes = 4096;  // keeps the line-length limit in reach of small inputs
            const auto dataset = lora::loadDataset(file, *tokenizer, options);
            (void)lora::computeStats(dataset.examples);
        });
    }
    return 0;
}
