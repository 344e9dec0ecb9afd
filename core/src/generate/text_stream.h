#pragma once
// Generated token ids to text, a piece per token, such that the pieces concatenate to the decoded text.
// Decoding one token alone is wrong twice over: byte-level BPE splits a UTF-8 character across tokens, and
// SentencePiece decoders drop the leading space of whatever they decode first. So each piece is the
// difference between decoding a short window with and without the newest tokens (text-generation-inference's
// approach), the window starting a few tokens back in the prompt, and text ending in an incomplete character
// (U+FFFD) is held back until the next token completes it.
#include "lora/tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lora::generation {

class TextStream {
public:
    // tokenizer may be null: every piece is then empty. promptIds give the first tokens their context.
    TextStream(const Tokenizer* tokenizer, const std::vector<int64_t>& promptIds);

    // The text `id` completes (possibly empty).
    std::string push(int64_t id);
    // Text still held back after the last token (an incomplete character at the very end).
    std::string finish();

private:
    std::string decodeRange(size_t from, size_t to) const;

    const Tokenizer* tokenizer_;
    std::vector<int32_t> ids_;
    size_t prefixOffset_ = 0;  // start of the decoding window
    size_t readOffset_ = 0;    // tokens before this have been emitted
};

}  // namespace lora::generation
