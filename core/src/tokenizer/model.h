#pragma once
// tokenizer.json "model": turns one pre-tokenized word into ids.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/config.h"

namespace lora::tok {

// Heterogeneous lookup so words can be looked up as string_view without allocating.
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using Vocab = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

class Model {
public:
    virtual ~Model() = default;
    virtual void tokenize(std::string_view word, std::vector<int32_t>& out) const = 0;
    virtual std::optional<int32_t> tokenToId(std::string_view token) const = 0;
    virtual const std::string* idToToken(int32_t id) const = 0;
    virtual size_t vocabSize() const = 0;
};

// Reads the "vocab" object of a model section; also returns the id -> token table.
Vocab readVocab(const Json& vocab, const char* section, std::unordered_map<int32_t, std::string>& reverse);

std::unique_ptr<Model> makeBpe(const Json& j);
std::unique_ptr<Model> makeWordPiece(const Json& j);

}  // namespace lora::tok
