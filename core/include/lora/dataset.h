#pragma once
// Training data: user files turned into token sequences ready for training, with bad rows reported by
// file and line. Torch-free and Qt-free; the trainer wraps Batch vectors with torch::from_blob.
//
// Formats (DatasetFormat::Auto picks one from the extension, then the content; see detectDatasetFormat):
//
//  Text (.txt, .md)  Causal LM. By default the whole file is one document (TextDocuments::WholeFile):
//                    blank lines inside prose are paragraph breaks, and putting an end-of-sequence token
//                    there would teach the model to stop after every paragraph. TextDocuments::BlankLines
//                    makes each blank-line-separated chunk its own document instead (for files of short
//                    independent items). Each document is encoded with the tokenizer's special tokens
//                    (e.g. Llama's <s>), followed by EOS when the tokenizer has one, and the token stream
//                    of all documents is cut into blocks of blockSize tokens; blocks cross document
//                    boundaries. The final shorter block is kept when it has at least 2 tokens. Line
//                    endings are read as "\n" (CRLF is normalised). A bad line (not UTF-8, over-long) is
//                    left out of its document.
//
//  JSONL (.jsonl, .ndjson, .json holding one object per line)   Causal LM. Each non-blank line is one
//                    example; the first of "messages", "instruction"/"output", "text" that a row has decides
//                    its kind (other fields are ignored):
//                    {"text": "..."}   all tokens are learned, then EOS.
//                    {"instruction": "...", "input": "...", "output": "..."}   ("input" optional) rendered
//                        "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n"
//                        (the Input section omitted when input is missing or empty), then {output} + EOS.
//                        The prompt is masked (labels = kIgnoreIndex); output and EOS are learned.
//                    {"messages": [{"role": "system"|"user"|"assistant", "content": "..."}, ...]}
//                        each turn rendered "<|{role}|>\n{content}\n"; an assistant turn's "{content}\n"
//                        followed by EOS is learned, everything else (headers, system and user turns) is
//                        masked. At least one assistant turn with content is required.
//                    Examples over maxLength tokens are cut to maxLength (Example::truncated).
//
//  CSV / TSV (.csv, .tsv)   Sequence classification. A header row with columns "text" and "label" (any
//                    order, other columns ignored), RFC 4180 quoting (quoted fields may hold the
//                    delimiter, doubled quotes and newlines). Labels are strings mapped to ids in order of
//                    first appearance, or to their index in DatasetOptions::labels when given (an unknown
//                    label is then a bad row). Text is encoded with special tokens ([CLS] ... [SEP]) and
//                    over-long text is cut keeping those special tokens.
//
// Every file must be UTF-8 (checked here, a leading BOM is ignored). Pieces of an example are encoded
// separately (prompt, response, turn header, ...) so the loss mask falls exactly on token boundaries;
// only the first piece gets the tokenizer's special tokens.
//
// Labels are aligned with input ids, Hugging Face style: the model shifts them by one inside the loss.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lora {

class Tokenizer;

// The label value that the loss ignores (PyTorch cross_entropy's default ignore_index).
inline constexpr int32_t kIgnoreIndex = -100;
inline constexpr size_t kDefaultMaxLineBytes = size_t{16} << 20;

enum class DatasetFormat { Auto, Text, Jsonl, Csv, Tsv };
enum class TaskKind { CausalLM, Classification };
enum class BadRowPolicy {
    Fail,  // the first bad row throws lora::Error "<file>:<line>: <problem>"
    Skip,  // bad rows are left out and listed in Dataset::badRows
};
enum class TextDocuments { WholeFile, BlankLines };

std::string_view datasetFormatName(DatasetFormat format);  // "auto", "text", "jsonl", "csv", "tsv"
TaskKind taskKindOf(DatasetFormat format);                   // format must not be Auto

struct DatasetOptions {
    DatasetFormat format = DatasetFormat::Auto;
    BadRowPolicy badRows = BadRowPolicy::Fail;
    int32_t blockSize = 1024;  // text: tokens per packed block (>= 2)
    int32_t maxLength = 2048;  // JSONL and CSV/TSV: longer examples are truncated (>= 2)
    TextDocuments textDocuments = TextDocuments::WholeFile;
    // End-of-sequence token; when unset, findEosToken(tokenizer). No EOS at all is allowed (a warning).
    std::optional<int32_t> eosId;
    // CSV/TSV: the class names in id order. Empty: ids are given in order of first appearance.
    std::vector<std::string> labels;
    // A longer line (a longer record for CSV/TSV) is a bad row; memory stays bounded by this.
    size_t maxLineBytes = kDefaultMaxLineBytes;
};

struct Example {
    std::vector<int32_t> inputIds;
    // Causal LM: same length as inputIds, kIgnoreIndex where not learned. Classification: empty.
    std::vector<int32_t> labels;
    int32_t classId = -1;  // classification: index into Dataset::labelNames; causal LM: -1
    // 1-based source line where the example starts; for packed text, where the document that holds the
    // block's first token starts.
    int64_t line = 0;
    bool truncated = false;  // cut to maxLength
};

struct BadRow {
    int64_t line = 0;  // 1-based
    std::string problem;
};

struct Dataset {
    std::filesystem::path file;
    DatasetFormat format = DatasetFormat::Auto;  // as resolved, never Auto
    TaskKind task = TaskKind::CausalLM;
    std::vector<Example> examples;          // in file order
    std::vector<std::string> labelNames;    // classification: class id -> name
    std::vector<BadRow> badRows;            // BadRowPolicy::Skip only, in line order
    std::optional<int32_t> eosId;           // the EOS token that was used
    std::vector<std::string> warnings;      // for the user; none stop loading
};

// Throws lora::Error: "<file>: <problem>" when the file cannot be read, its format cannot be used
// (e.g. a CSV header without "text"/"label") or no usable example remains; "<file>:<line>: <problem>"
// for the first bad row under BadRowPolicy::Fail; and for invalid options. Memory is proportional to
// the data (plus one line of at most maxLineBytes).
Dataset loadDataset(const std::filesystem::path& file, const Tokenizer& tokenizer,
                    const DatasetOptions& options = {});

// From the extension; for .json and unknown extensions, from the first non-blank line. Throws
// lora::Error for unreadable files and for a .json file holding a JSON array (one object per line is
// required so bad rows can be reported by line).
DatasetFormat detectDatasetFormat(const std::filesystem::path& file);

// The first of "<|endoftext|>", "</s>", "<|end_of_text|>", "<|im_end|>", "<|eot_id|>" the tokenizer knows.
std::optional<int32_t> findEosToken(const Tokenizer& tokenizer);

// Token statistics. Loss tokens count the positions that really reach the loss after the shift by one
// (labels[i] != kIgnoreIndex for i >= 1); classification examples have none.
struct LengthBin {
    int64_t minLength = 0;  // inclusive
    int64_t maxLength = 0;  // inclusive
    int64_t count = 0;
};
struct DatasetStats {
    int64_t examples = 0;
    int64_t totalTokens = 0;
    int64_t lossTokens = 0;
    int64_t minLength = 0;
    int64_t maxLength = 0;
    double meanLength = 0.0;
    int64_t truncated = 0;
    // Equal-width bins covering [minLength, maxLength], at most `bins` of them, none empty-width.
    std::vector<LengthBin> histogram;
};
DatasetStats computeStats(std::span<const Example> examples, size_t bins = 10);

// Deterministic train/validation split: the same (count, fraction, seed) gives the same split on every
// machine and compiler (SplitMix64 and a Fisher-Yates shuffle defined here, not std::shuffle). The
// shuffled order's first round(count * validationFraction) indices are the validation set (at least 1
// when fraction > 0 and count >= 2; train keeps at least 1). Both lists are returned sorted.
// validationFraction must be in [0, 1).
struct SplitIndices {
    std::vector<size_t> train;
    std::vector<size_t> validation;
};
SplitIndices splitTrainValidation(size_t count, double validationFraction, uint64_t seed);

// Where a data stream stands: the next batch to produce is batch `batch` of epoch `epoch`.
// A checkpoint stores it; Batcher::seek() resumes the exact stream.
struct DataPosition {
    uint64_t epoch = 0;
    uint64_t batch = 0;
    bool operator==(const DataPosition&) const = default;
};

struct BatcherOptions {
    size_t batchSize = 8;
    uint64_t seed = 0;
    bool shuffle = true;    // reshuffle every epoch (seeded by seed and epoch); false: subset order
    bool dropLast = false;  // drop the final short batch of an epoch
    int32_t padId = 0;      // any id works: the attention mask is 0 and labels kIgnoreIndex there
    size_t padToMultipleOf = 1;
};

// Row-major [rows, columns] int64 arrays, padded on the right to the longest example of the batch.
struct Batch {
    TaskKind task = TaskKind::CausalLM;
    int64_t rows = 0;
    int64_t columns = 0;
    std::vector<int64_t> inputIds;       // rows * columns
    std::vector<int64_t> attentionMask;  // rows * columns, 1 = real token, 0 = padding
    std::vector<int64_t> labels;         // causal LM: rows * columns, kIgnoreIndex in padding; else empty
    std::vector<int64_t> classIds;       // classification: rows; else empty
    std::vector<size_t> exampleIndices;  // which examples, as indices into the batcher's examples
    DataPosition position;               // where this batch was taken from
    std::array<int64_t, 2> shape() const { return {rows, columns}; }
};

// Padded batches over a subset of examples, in a deterministic order for each epoch. It keeps a view of
// `examples`: they must outlive the batcher and stay unchanged.
class Batcher {
public:
    // All examples, or the given subset (indices into examples, e.g. SplitIndices::train). Throws
    // lora::Error for an empty subset, an index out of range, batchSize 0, or examples mixing causal LM
    // and classification.
    Batcher(std::span<const Example> examples, const BatcherOptions& options);
    Batcher(std::span<const Example> examples, std::vector<size_t> subset, const BatcherOptions& options);

    uint64_t batchesPerEpoch() const;
    DataPosition position() const { return position_; }
    // Throws lora::Error when position.batch >= batchesPerEpoch().
    void seek(DataPosition position);
    // The batch at position(), then advances (to batch 0 of the next epoch after the last one).
    Batch next();
    // The subset's examples in the order epoch `epoch` visits them (indices into examples).
    std::vector<size_t> epochOrder(uint64_t epoch) const;
    // Changes when the subset, the options or any example length changes: store it with a position and
    // compare on resume, so a checkpoint is never resumed onto a different data stream.
    uint64_t fingerprint() const;

private:
    const std::vector<size_t>& orderFor(uint64_t epoch);

    std::span<const Example> examples_;
    std::vector<size_t> subset_;
    BatcherOptions options_;
    TaskKind task_ = TaskKind::CausalLM;
    DataPosition position_;
    std::optional<uint64_t> cachedEpoch_;
    std::vector<size_t> cachedOrder_;
};

}  // namespace lora
