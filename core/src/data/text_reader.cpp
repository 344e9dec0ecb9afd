#include "data/line_reader.h"
#include "data/readers.h"
#include "data/utf8.h"
#include "lora/tokenizer.h"

#include <exception>

namespace lora::data {

namespace {

// Cuts the stream of document tokens into blocks as it goes, so only one block is ever pending.
class BlockPacker {
public:
    BlockPacker(Dataset& dataset, size_t blockSize) : dataset_(dataset), blockSize_(blockSize) {}

    void push(int32_t id, int64_t documentLine)
    {
        if (block_.empty()) blockLine_ = documentLine;
        block_.push_back(id);
        if (block_.size() == blockSize_) emit();
    }

    void finish()
    {
        // A 1-token block has nothing to learn once labels are shifted.
        if (block_.size() >= 2) emit();
        block_.clear();
    }

private:
    void emit()
    {
        Example ex;
        ex.labels = block_;
        ex.inputIds = std::move(block_);
        ex.line = blockLine_;
        dataset_.examples.push_back(std::move(ex));
        block_.clear();
        block_.reserve(blockSize_);
    }

    Dataset& dataset_;
    size_t blockSize_;
    std::vector<int32_t> block_;
    int64_t blockLine_ = 0;
};

}  // namespace

void readTextDataset(const LoadContext& context, Dataset& dataset)
{
    const DatasetOptions& options = context.options;
    const bool splitAtBlankLines = options.textDocuments == TextDocuments::BlankLines;
    LineReader reader(context.file, options.maxLineBytes);
    BlockPacker packer(dataset, static_cast<size_t>(options.blockSize));

    std::string document;
    std::string pendingBlankLines;  // WholeFile: kept only if more text follows, so the end is trimmed
    int64_t documentLine = 0;

    auto flushDocument = [&] {
        if (document.empty()) return;
        std::vector<int32_t> ids;
        std::string failure;
        try {
            ids = context.tokenizer.encode(document, true);
        } catch (const std::exception& e) {
            failure = std::string("the tokenizer failed on the document starting here: ") + e.what();
        }
        if (!failure.empty()) {
            context.badRows.report(documentLine, failure);
        } else {
            for (int32_t id : ids) packer.push(id, documentLine);
            if (context.eosId) packer.push(*context.eosId, documentLine);
        }
        document.clear();
        pendingBlankLines.clear();
    };

    LineReader::Line line;
    while (reader.next(line)) {
        if (line.tooLong) {
            context.badRows.report(line.number, lineTooLongProblem(options.maxLineBytes));
            continue;
        }
        if (auto bad = findInvalidUtf8(line.text)) {
            context.badRows.report(line.number, describeInvalidUtf8(line.text, *bad));
            continue;
        }
        if (isBlank(line.text)) {
            if (splitAtBlankLines) {
                flushDocument();
            } else if (!document.empty()) {
                pendingBlankLines += '\n';
                pendingBlankLines += line.text;
            }
            continue;
        }
        if (document.empty()) {
            documentLine = line.number;
        } else {
            document += pendingBlankLines;
            document += '\n';
            pendingBlankLines.clear();
        }
        document += line.text;
    }
    flushDocument();
    packer.finish();
}

}  // namespace lora::data
