#include "data/example_builder.h"

#include "lora/tokenizer.h"

#include <algorithm>

namespace lora::data {

int64_t countLossTokens(const Example& example)
{
    int64_t n = 0;
    for (size_t i = 1; i < example.labels.size(); ++i) n += example.labels[i] != kIgnoreIndex;
    return n;
}

std::variant<Example, std::string> buildCausalExample(const Tokenizer& tokenizer, std::span<const Segment> segments,
                                                      std::optional<int32_t> eosId, int32_t maxLength)
{
    Example ex;
    const auto limit = static_cast<size_t>(maxLength);
    bool first = true;
    for (const Segment& segment : segments) {
        if (ex.inputIds.size() > limit) break;
        if (!segment.text.empty() || first) {
            const std::vector<int32_t> ids = tokenizer.encode(segment.text, first);
            ex.inputIds.insert(ex.inputIds.end(), ids.begin(), ids.end());
            ex.labels.insert(ex.labels.end(), ids.size(), kIgnoreIndex);
            if (segment.learned) std::copy(ids.begin(), ids.end(), ex.labels.end() - static_cast<ptrdiff_t>(ids.size()));
        }
        first = false;
        if (segment.eosAfter && eosId) {
            ex.inputIds.push_back(*eosId);
            ex.labels.push_back(segment.learned ? *eosId : kIgnoreIndex);
        }
    }
    if (ex.inputIds.size() > limit) {
        ex.inputIds.resize(limit);
        ex.labels.resize(limit);
        ex.truncated = true;
    }
    if (countLossTokens(ex) == 0) {
        if (ex.truncated) {
            return "the prompt takes all of maxLength (" + std::to_string(maxLength) +
                   " tokens), so no response token is left to learn; shorten the prompt or raise maxLength";
        }
        return std::string("too short to learn from (needs at least 2 tokens, with one to learn after the first)");
    }
    return ex;
}

std::vector<int32_t> encodeForClassification(const Tokenizer& tokenizer, const std::string& text, int32_t maxLength,
                                             bool& truncated)
{
    const auto limit = static_cast<size_t>(maxLength);
    std::vector<int32_t> full = tokenizer.encode(text, true);
    truncated = full.size() > limit;
    if (!truncated) return full;
    // Find the content inside the special-token wrapping: full = prefix + plain + suffix.
    const std::vector<int32_t> plain = tokenizer.encode(text, false);
    if (plain.size() < full.size()) {
        const size_t extra = full.size() - plain.size();
        for (size_t prefix = 0; prefix <= extra; ++prefix) {
            if (!std::equal(plain.begin(), plain.end(), full.begin() + static_cast<ptrdiff_t>(prefix))) continue;
            const size_t suffix = extra - prefix;
            if (prefix + suffix >= limit) break;
            std::vector<int32_t> out(full.begin(), full.begin() + static_cast<ptrdiff_t>(limit - suffix));
            out.insert(out.end(), full.end() - static_cast<ptrdiff_t>(suffix), full.end());
            return out;
        }
    }
    full.resize(limit);
    return full;
}

}  // namespace lora::data
