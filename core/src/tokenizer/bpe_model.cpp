#include <array>
#include <cstdio>
#include <mutex>
#include <queue>
#include <shared_mutex>

#include "lora/error.h"
#include "tokenizer/model.h"
#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

constexpr const char* kSection = "BPE model";
// Like the Rust crate: bound the per-word cache so adversarial input cannot grow it without limit.
constexpr size_t kCacheCapacity = 10000;
constexpr size_t kCacheMaxWordBytes = 256;

uint64_t pairKey(int32_t a, int32_t b)
{
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

struct MergeInfo {
    int32_t rank;
    int32_t newId;
};

struct Symbol {
    int32_t id;
    int prev;
    int next;
    bool alive;
};

struct Candidate {
    int32_t rank;
    int pos;
    int32_t newId;
    // std::priority_queue pops the largest, so "larger" means lower rank, then leftmost position.
    bool operator<(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

class BpeModel final : public Model {
public:
    explicit BpeModel(const Json& j)
    {
        vocab_ = readVocab(required(j, "vocab", kSection), kSection, reverse_);
        unk_ = optionalString(j, "unk_token");
        prefix_ = optionalString(j, "continuing_subword_prefix");
        suffix_ = optionalString(j, "end_of_word_suffix");
        fuseUnk_ = boolOr(j, "fuse_unk", false);
        byteFallback_ = boolOr(j, "byte_fallback", false);
        ignoreMerges_ = boolOr(j, "ignore_merges", false);
        if (unk_) {
            if (auto it = vocab_.find(*unk_); it != vocab_.end()) unkId_ = it->second;
        }
        for (int b = 0; b < 256; ++b) {
            char name[8];
            std::snprintf(name, sizeof name, "<0x%02X>", b);
            if (auto it = vocab_.find(std::string_view(name)); it != vocab_.end()) byteIds_[b] = it->second;
        }
        readMerges(required(j, "merges", kSection));
    }

    void tokenize(std::string_view word, std::vector<int32_t>& out) const override
    {
        if (word.empty()) return;
        if (ignoreMerges_) {
            if (auto it = vocab_.find(word); it != vocab_.end()) {
                out.push_back(it->second);
                return;
            }
        }
        {
            std::shared_lock lock(cacheMutex_);
            if (auto it = cache_.find(word); it != cache_.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
                return;
            }
        }
        auto ids = mergeWord(word);
        out.insert(out.end(), ids.begin(), ids.end());
        if (word.size() < kCacheMaxWordBytes) {
            std::unique_lock lock(cacheMutex_);
            if (cache_.size() < kCacheCapacity) cache_.emplace(std::string(word), std::move(ids));
        }
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
    void readMerges(const Json& merges)
    {
        if (!merges.is_array()) throw ConfigError("BPE model: \"merges\" must be an array");
        const size_t prefixLen = prefix_ ? prefix_->size() : 0;
        merges_.reserve(merges.size());
        int32_t rank = 0;
        for (const auto& m : merges) {
            std::string a;
            std::string b;
            if (m.is_string()) {
                const auto line = m.get<std::string>();
                if (line.rfind("#version", 0) == 0) continue;
                // The pre-0.20 "a b" form: exactly one space, as the Rust crate requires.
                const auto space = line.find(' ');
                if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
                    throw ConfigError("BPE model: merge " + std::to_string(rank + 1) + " '" + line +
                                      "' is not two tokens separated by one space");
                a = line.substr(0, space);
                b = line.substr(space + 1);
            } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
                a = m[0].get<std::string>();
                b = m[1].get<std::string>();
            } else {
                throw ConfigError("BPE model: merge " + std::to_string(rank + 1) + " must be \"a b\" or [\"a\", \"b\"]");
            }
            const auto ia = lookup(a);
            const auto ib = lookup(b);
            const std::string merged = a + (b.size() >= prefixLen ? b.substr(prefixLen) : std::string());
            const auto im = lookup(merged);
            // A repeated pair keeps its last rank, as collecting into the Rust HashMap does.
            merges_.insert_or_assign(pairKey(ia, ib), MergeInfo{rank, im});
            ++rank;
        }
    }

    int32_t lookup(const std::string& token) const
    {
        const auto it = vocab_.find(token);
        if (it == vocab_.end()) throw ConfigError("BPE model: merge token '" + token + "' is not in the vocab");
        return it->second;
    }

    int32_t unkId() const
    {
        if (!unkId_) throw Error("BPE model: unk_token '" + *unk_ + "' is not in the vocab");
        return *unkId_;
    }

    // The initial symbols (one per character, with byte fallback and unk fusing), then the merges by rank.
    std::vector<int32_t> mergeWord(std::string_view w) const
    {
        std::vector<Symbol> symbols;
        symbols.reserve(w.size());
        auto add = [&symbols](int32_t id) {
            const int n = static_cast<int>(symbols.size());
            symbols.push_back({id, n - 1, n + 1, true});
        };
        std::optional<int32_t> pendingUnk;
        std::string s;
        for (size_t i = 0; i < w.size();) {
            const size_t start = i;
            nextCodepoint(w, i);
            s.assign(w.substr(start, i - start));
            if (start != 0 && prefix_) s.insert(0, *prefix_);
            if (i == w.size() && suffix_) s.append(*suffix_);
            if (auto it = vocab_.find(s); it != vocab_.end()) {
                if (pendingUnk) add(*pendingUnk);
                pendingUnk.reset();
                add(it->second);
                continue;
            }
            if (byteFallback_) {
                bool all = true;
                for (unsigned char c : s) all = all && byteIds_[c].has_value();
                if (all) {
                    // The Rust crate adds byte tokens without flushing a pending unk first; ids must match.
                    for (unsigned char c : s) add(*byteIds_[c]);
                    continue;
                }
            }
            if (unk_) {
                if (pendingUnk && !fuseUnk_) add(*pendingUnk);
                if (!pendingUnk || !fuseUnk_) pendingUnk = unkId();
            }
        }
        if (pendingUnk) add(*pendingUnk);
        if (!symbols.empty()) symbols.back().next = -1;
        applyMerges(symbols);
        std::vector<int32_t> ids;
        for (const auto& sym : symbols)
            if (sym.alive) ids.push_back(sym.id);
        return ids;
    }

    void applyMerges(std::vector<Symbol>& symbols) const
    {
        std::priority_queue<Candidate> queue;
        for (size_t i = 0; i + 1 < symbols.size(); ++i) {
            if (auto it = merges_.find(pairKey(symbols[i].id, symbols[i + 1].id)); it != merges_.end())
                queue.push({it->second.rank, static_cast<int>(i), it->second.newId});
        }
        while (!queue.empty()) {
            const Candidate top = queue.top();
            queue.pop();
            Symbol& left = symbols[top.pos];
            if (!left.alive || left.next < 0) continue;
            Symbol& right = symbols[left.next];
            // Skip entries made stale by an earlier merge of either side.
            const auto it = merges_.find(pairKey(left.id, right.id));
            if (it == merges_.end() || it->second.newId != top.newId) continue;
            left.id = top.newId;
            right.alive = false;
            left.next = right.next;
            if (left.next >= 0) symbols[left.next].prev = top.pos;
            if (left.prev >= 0) {
                if (auto p = merges_.find(pairKey(symbols[left.prev].id, left.id)); p != merges_.end())
                    queue.push({p->second.rank, left.prev, p->second.newId});
            }
            if (left.next >= 0) {
                if (auto n = merges_.find(pairKey(left.id, symbols[left.next].id)); n != merges_.end())
                    queue.push({n->second.rank, top.pos, n->second.newId});
            }
        }
    }

    Vocab vocab_;
    std::unordered_map<int32_t, std::string> reverse_;
    std::unordered_map<uint64_t, MergeInfo> merges_;
    std::optional<std::string> unk_;
    std::optional<int32_t> unkId_;
    std::optional<std::string> prefix_;
    std::optional<std::string> suffix_;
    std::array<std::optional<int32_t>, 256> byteIds_{};
    bool fuseUnk_ = false;
    bool byteFallback_ = false;
    bool ignoreMerges_ = false;

    mutable std::shared_mutex cacheMutex_;
    mutable std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> cache_;
};

}  // namespace

std::unique_ptr<Model> makeBpe(const Json& j)
{
    return std::make_unique<BpeModel>(j);
}

}  // namespace lora::tok
