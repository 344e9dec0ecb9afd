#pragma once
#include "lora/dataset.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace lora::data {

// A piece of a rendered example. Pieces are encoded one by one so that the loss mask falls exactly
// on token boundaries: encoding the joined text and locating the prompt in it is ambiguous whenever
// a token spans the join.
struct Segment {
    std::string text;
    bool learned = false;   // labels = ids (else kIgnoreIndex)
    bool eosAfter = false;  // append the EOS token (learned along with the segment) when there is one
};

// The example, or why it cannot be used (a bad row). Encoding stops once maxLength is exceeded, so a
// huge row does not cost a huge token vector.
std::variant<Example, std::string> buildCausalExample(const Tokenizer& tokenizer, std::span<const Segment> segments,
                                                      std::optional<int32_t> eosId, int32_t maxLength);

// Encoded with special tokens; over-long text is cut inside the content so that the special tokens
// the tokenizer wraps it in (e.g. [CLS] ... [SEP]) survive.
std::vector<int32_t> encodeForClassification(const Tokenizer& tokenizer, const std::string& text,
                                             int32_t maxLength, bool& truncated);

// Positions that reach the loss after the shift by one.
int64_t countLossTokens(const Example& example);

}  // namespace lora::data
