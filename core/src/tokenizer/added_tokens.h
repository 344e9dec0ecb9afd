#pragma once
// tokenizer.json "added_tokens": tokens matched verbatim in the text before the model sees it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tokenizer/config.h"

namespace lora::tok {

class Model;
class Normalizer;

struct AddedToken {
    std::string content;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
    bool special = false;
};

// A stretch of text that is either an added token (id set) or ordinary text to tokenize.
struct TextSplit {
    size_t start;
    size_t end;
    std::optional<int32_t> id;
};

class AddedVocabulary {
public:
    // Assigns ids the way the Rust crate does on load: the existing id of the content, or the next free one.
    AddedVocabulary(const Json& addedTokens, const Model& model, const Normalizer* normalizer);

    // Matches on the raw text (tokens with normalized=false) or on normalised text (normalized=true).
    std::vector<TextSplit> splitRaw(std::string_view text) const { return findMatches(text, raw_); }
    std::vector<TextSplit> splitNormalized(std::string_view text) const { return findMatches(text, normalizedTrie_); }

    std::optional<int32_t> tokenToId(std::string_view token) const;
    // The content, or its normalised form for normalized tokens (what the crate decodes to).
    const std::string* idToToken(int32_t id) const;
    bool isSpecialContent(std::string_view token) const { return special_.count(std::string(token)) > 0; }
    bool isSpecialId(int32_t id) const;
    size_t size() const { return byContent_.size(); }
    const std::unordered_map<std::string, int32_t>& byContent() const { return byContent_; }

private:
    // A byte trie over the patterns for leftmost-longest matching.
    struct Trie {
        struct Node {
            std::unordered_map<unsigned char, int> next;
            std::optional<int32_t> id;
        };
        std::vector<Node> nodes{Node{}};
        bool empty() const { return nodes.size() == 1; }
        void insert(std::string_view pattern, int32_t id);
    };

    std::vector<TextSplit> findMatches(std::string_view text, const Trie& trie) const;

    std::unordered_map<std::string, int32_t> byContent_;
    std::unordered_map<int32_t, AddedToken> byId_;
    std::unordered_map<int32_t, std::string> normalizedContent_;
    std::unordered_set<std::string> special_;
    Trie raw_;
    Trie normalizedTrie_;
};

}  // namespace lora::tok
