#include "data/readers.h"
#include "lora/dataset.h"
#include "lora/error.h"
#include "lora/tokenizer.h"

#include <set>

namespace lora {

namespace {

void validate(const DatasetOptions& options, const Tokenizer& tokenizer)
{
    if (options.blockSize < 2) throw Error("dataset options: blockSize must be at least 2, not " + std::to_string(options.blockSize));
    if (options.maxLength < 2) throw Error("dataset options: maxLength must be at least 2, not " + std::to_string(options.maxLength));
    // The upper bound keeps the line reader's arithmetic far from overflow.
    if (options.maxLineBytes < 1 || options.maxLineBytes > (size_t{1} << 40)) {
        throw Error("dataset options: maxLineBytes must be between 1 and 2^40");
    }
    if (options.eosId && (*options.eosId < 0 || static_cast<size_t>(*options.eosId) >= tokenizer.vocabSize())) {
        throw Error("dataset options: eosId " + std::to_string(*options.eosId) + " is not in the tokenizer's vocabulary (" +
                    std::to_string(tokenizer.vocabSize()) + " tokens)");
    }
    std::set<std::string> seen;
    for (const std::string& label : options.labels) {
        if (label.empty()) throw Error("dataset options: a label name is empty");
        if (!seen.insert(label).second) throw Error("dataset options: label \"" + label + "\" is listed twice");
    }
}

}  // namespace

std::string_view datasetFormatName(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Auto: return "auto";
    case DatasetFormat::Text: return "text";
    case DatasetFormat::Jsonl: return "jsonl";
    case DatasetFormat::Csv: return "csv";
    case DatasetFormat::Tsv: return "tsv";
    }
    return "unknown";
}

TaskKind taskKindOf(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Csv:
    case DatasetFormat::Tsv: return TaskKind::Classification;
    case DatasetFormat::Text:
    case DatasetFormat::Jsonl: return TaskKind::CausalLM;
    case DatasetFormat::Auto: break;
    }
    throw Error("taskKindOf: the format must be resolved first (not auto)");
}

std::optional<int32_t> findEosToken(const Tokenizer& tokenizer)
{
    for (const char* token : {"<|endoftext|>", "</s>", "<|end_of_text|>", "<|im_end|>", "<|eot_id|>"}) {
        if (auto id = tokenizer.tokenToId(token)) return id;
    }
    return std::nullopt;
}

Dataset loadDataset(const std::filesystem::path& file, const Tokenizer& tokenizer, const DatasetOptions& options)
{
    validate(options, tokenizer);
    Dataset dataset;
    dataset.file = file;
    dataset.format = options.format == DatasetFormat::Auto ? detectDatasetFormat(file) : options.format;
    dataset.task = taskKindOf(dataset.format);
    dataset.eosId = options.eosId ? options.eosId : findEosToken(tokenizer);

    data::BadRowSink badRows(file, options.badRows, dataset.badRows);
    const data::LoadContext context{file, tokenizer, options, dataset.eosId, badRows};
    switch (dataset.format) {
    case DatasetFormat::Text: data::readTextDataset(context, dataset); break;
    case DatasetFormat::Jsonl: data::readJsonlDataset(context, dataset); break;
    case DatasetFormat::Csv: data::readDelimitedDataset(context, ',', dataset); break;
    case DatasetFormat::Tsv: data::readDelimitedDataset(context, '\t', dataset); break;
    case DatasetFormat::Auto: break;
    }

    if (dataset.examples.empty()) {
        std::string problem = "no usable examples";
        if (!dataset.badRows.empty()) {
            const BadRow& first = dataset.badRows.front();
            problem += ": all " + std::to_string(dataset.badRows.size()) + " rows with content are bad (line " +
                       std::to_string(first.line) + ": " + first.problem + ")";
        } else {
            problem += dataset.format == DatasetFormat::Text
                           ? ": the file has too little text (at least 2 tokens are needed)"
                           : ": the file has no rows with content";
        }
        throwFileError(file, problem);
    }

    if (!dataset.eosId && dataset.task == TaskKind::CausalLM) {
        dataset.warnings.push_back("the tokenizer has no end-of-sequence token, so examples end without one and the "
                                   "model may not learn to stop; pass one in DatasetOptions::eosId");
    }
    if (!dataset.badRows.empty()) {
        dataset.warnings.push_back("skipped " + std::to_string(dataset.badRows.size()) + " bad row" +
                                   (dataset.badRows.size() == 1 ? "" : "s"));
    }
    if (dataset.task == TaskKind::Classification && dataset.labelNames.size() < 2) {
        dataset.warnings.push_back("only one label (\"" + dataset.labelNames.front() +
                                   "\"): a classifier needs examples of at least two classes");
    }
    return dataset;
}

}  // namespace lora
