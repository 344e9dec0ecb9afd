#include <algorithm>

#include "lora/error.h"
#include "tokenizer/model.h"
#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

constexpr const char* kSection = "WordPiece model";

class WordPieceModel final : public Model {
public:
    explicit WordPieceModel(const Json& j)
    {
        vocab_ = readVocab(required(j, "vocab", kSection), kSection, reverse_);
        unk_ = stringOr(j, "unk_token", "[UNK]");
        prefix_ = stringOr(j, "continuing_subword_prefix", "##");
        maxChars_ = static_cast<size_t>(std::max<int64_t>(0, intOr(j, "max_input_chars_per_word", 100)));
    }

    // Greedy longest-match-first, as in BERT; a word with any unmatched remainder becomes one unk.
    void tokenize(std::string_view word, std::vector<int32_t>& out) const override
    {
        const auto cps = toCodepoints(word);
        if (cps.size() > maxChars_) {
            out.push_back(unkId());
            return;
        }
        std::vector<int32_t> pieces;
        std::string candidate;
        size_t start = 0;
        while (start < cps.size()) {
            size_t end = cps.size();
            std::optional<int32_t> found;
            while (start < end) {
                candidate.clear();
                if (start > 0) candidate = prefix_;
                for (size_t k = start; k < end; ++k) appendUtf8(candidate, cps[k]);
                if (auto it = vocab_.find(candidate); it != vocab_.end()) {
                    found = it->second;
                    break;
                }
                --end;
            }
            if (!found) {
                out.push_back(unkId());
                return;
            }
            pieces.push_back(*found);
            start = end;
        }
        out.insert(out.end(), pieces.begin(), pieces.end());
    }

    std::optional<int32_t> tokenToId(std::string_view token) const override
    {
        if (auto it = vocab_.find(token); it != vocab_.end()) return it->second;
        return std::nullopt;
    }

    const std::string* idToToken(int32_t id) const override
    {
        const auto it = reverse_.find(id);
        return it == reverse_.end() ? nullptr : &it->second;
    }

    size_t vocabSize() const override { return vocab_.size(); }

private:
    int32_t unkId() const
    {
        const auto it = vocab_.find(unk_);
        if (it == vocab_.end()) throw Error("WordPiece model: unk_token '" + unk_ + "' is not in the vocab");
        return it->second;
    }

    Vocab vocab_;
    std::unordered_map<int32_t, std::string> reverse_;
    std::string unk_;
    std::string prefix_;
    size_t maxChars_ = 100;
};

}  // namespace

std::unique_ptr<Model> makeWordPiece(const Json& j)
{
    return std::make_unique<WordPieceModel>(j);
}

}  // namespace lora::tok
