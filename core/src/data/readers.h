#pragma once
// One reader per format; loadDataset() picks one. Readers append examples in file order and send every
// bad row to the sink, which applies the caller's policy.
#include "data/bad_rows.h"
#include "lora/dataset.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lora::data {

struct LoadContext {
    const std::filesystem::path& file;
    const Tokenizer& tokenizer;
    const DatasetOptions& options;
    std::optional<int32_t> eosId;
    BadRowSink& badRows;
};

void readTextDataset(const LoadContext& context, Dataset& dataset);
void readJsonlDataset(const LoadContext& context, Dataset& dataset);
void readDelimitedDataset(const LoadContext& context, char delimiter, Dataset& dataset);

// Shared wording, so every format says the same thing about the same problem.
std::string lineTooLongProblem(size_t maxLineBytes);
bool isBlank(std::string_view text);

}  // namespace lora::data
