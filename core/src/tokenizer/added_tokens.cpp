#include "tokenizer/added_tokens.h"

#include <algorithm>

#include "tokenizer/model.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

constexpr const char* kSection = "added_tokens";

char32_t lastChar(std::string_view s)
{
    size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    return nextCodepoint(s, i);
}

// Byte length of the trailing run of whitespace.
size_t trailingSpace(std::string_view s)
{
    size_t end = s.size();
    while (end > 0) {
        size_t i = end - 1;
        while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
        size_t j = i;
        if (!isWhitespace(nextCodepoint(s, j))) break;
        end = i;
    }
    return s.size() - end;
}

size_t leadingSpace(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        size_t j = i;
        if (!isWhitespace(nextCodepoint(s, j))) break;
        i = j;
    }
    return i;
}

}  // namespace

void AddedVocabulary::Trie::insert(std::string_view pattern, int32_t id)
{
    int node = 0;
    for (unsigned char c : pattern) {
        auto it = nodes[node].next.find(c);
        if (it == nodes[node].next.end()) {
            nodes.emplace_back();
            it = nodes[node].next.emplace(c, static_cast<int>(nodes.size() - 1)).first;
        }
        node = it->second;
    }
    nodes[node].id = id;
}

AddedVocabulary::AddedVocabulary(const Json& addedTokens, const Model& model, const Normalizer* normalizer)
{
    if (addedTokens.is_null()) return;
    if (!addedTokens.is_array()) throw ConfigError("\"added_tokens\" must be an array");
    std::optional<int32_t> maxId;
    for (const auto& t : addedTokens) {
        if (!t.is_object()) throw ConfigError("each entry of \"added_tokens\" must be an object");
        AddedToken tok;
        tok.content = stringOr(t, "content", "");
        tok.singleWord = boolOr(t, "single_word", false);
        tok.lstrip = boolOr(t, "lstrip", false);
        tok.rstrip = boolOr(t, "rstrip", false);
        tok.special = boolOr(t, "special", false);
        tok.normalized = boolOr(t, "normalized", !tok.special);
        if (tok.content.empty()) continue;

        int32_t id;
        if (auto it = byContent_.find(tok.content); it != byContent_.end()) {
            id = it->second;
        } else if (auto mid = model.tokenToId(tok.content)) {
            id = *mid;
        } else {
            const auto vocab = static_cast<int32_t>(model.vocabSize());
            id = !maxId ? vocab : (*maxId >= vocab || vocab == 0 ? *maxId + 1 : vocab);
        }
        maxId = maxId ? std::max(*maxId, id) : id;
        if (tok.normalized && normalizer) {
            std::string normed = normalizer->normalize(tok.content);
            if (normed != tok.content) normalizedContent_[id] = std::move(normed);
        }
        byContent_[tok.content] = id;
        if (tok.special) special_.insert(tok.content);
        byId_[id] = std::move(tok);
    }
    for (const auto& [id, tok] : byId_) {
        if (tok.normalized) {
            const auto n = normalizedContent_.find(id);
            const std::string& pattern = n != normalizedContent_.end() ? n->second : tok.content;
            if (!pattern.empty()) normalizedTrie_.insert(pattern, id);
        } else {
            raw_.insert(tok.content, id);
        }
    }
}

std::optional<int32_t> AddedVocabulary::tokenToId(std::string_view token) const
{
    if (auto it = byContent_.find(std::string(token)); it != byContent_.end()) return it->second;
    return std::nullopt;
}

const std::string* AddedVocabulary::idToToken(int32_t id) const
{
    if (auto n = normalizedContent_.find(id); n != normalizedContent_.end()) return &n->second;
    if (auto it = byId_.find(id); it != byId_.end()) return &it->second.content;
    return nullptr;
}

bool AddedVocabulary::isSpecialId(int32_t id) const
{
    const auto it = byId_.find(id);
    return it != byId_.end() && it->second.special;
}

std::vector<TextSplit> AddedVocabulary::findMatches(std::string_view text, const Trie& trie) const
{
    if (text.empty()) return {{0, 0, std::nullopt}};
    if (trie.empty()) return {{0, text.size(), std::nullopt}};
    std::vector<TextSplit> splits;
    size_t startOffset = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        // Leftmost-longest: the first position where any pattern matches, and the longest pattern there.
        size_t matchEnd = 0;
        std::optional<int32_t> matchId;
        int node = 0;
        for (size_t k = pos; k < text.size(); ++k) {
            const auto it = trie.nodes[node].next.find(static_cast<unsigned char>(text[k]));
            if (it == trie.nodes[node].next.end()) break;
            node = it->second;
            if (trie.nodes[node].id) {
                matchId = trie.nodes[node].id;
                matchEnd = k + 1;
            }
        }
        if (!matchId) {
            ++pos;
            continue;
        }
        size_t start = pos;
        size_t stop = matchEnd;
        pos = matchEnd;  // the next search resumes after the raw match, before any rstrip
        const AddedToken& tok = byId_.at(*matchId);
        if (tok.singleWord) {
            const bool startSpace = start == 0 || !isWordChar(lastChar(text.substr(0, start)));
            size_t after = stop;
            const bool stopSpace = stop == text.size() || !isWordChar(nextCodepoint(text, after));
            if (!startSpace || !stopSpace) continue;
        }
        if (tok.lstrip) start = std::max(start - trailingSpace(text.substr(0, start)), startOffset);
        if (tok.rstrip) stop += leadingSpace(text.substr(stop));
        if (startOffset < start) splits.push_back({startOffset, start, std::nullopt});
        splits.push_back({start, stop, matchId});
        startOffset = stop;
    }
    if (startOffset != text.size()) splits.push_back({startOffset, text.size(), std::nullopt});
    return splits;
}

}  // namespace lora::tok
