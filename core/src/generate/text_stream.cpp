#include "generate/text_stream.h"

#include <algorithm>
#include <span>

namespace lora::generation {
namespace {

// Prompt tokens decoded ahead of the first generated one: enough for a decoder to see that the new token is not
// at the start of the text (so SentencePiece keeps its space), few enough to keep each decode cheap.
constexpr size_t kPromptContext = 5;

bool endsIncomplete(const std::string& s)
{
    static const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD, what decode makes of a partial character
    return s.size() >= replacement.size() && s.compare(s.size() - replacement.size(), replacement.size(), replacement) == 0;
}

}  // namespace

TextStream::TextStream(const Tokenizer* tokenizer, const std::vector<int64_t>& promptIds) : tokenizer_(tokenizer)
{
    const size_t context = std::min(promptIds.size(), kPromptContext);
    for (size_t i = promptIds.size() - context; i < promptIds.size(); ++i)
        ids_.push_back(static_cast<int32_t>(promptIds[i]));
    readOffset_ = ids_.size();
}

std::string TextStream::decodeRange(size_t from, size_t to) const
{
    return tokenizer_->decode(std::span<const int32_t>(ids_.data() + from, to - from), /*skipSpecialTokens=*/true);
}

std::string TextStream::push(int64_t id)
{
    ids_.push_back(static_cast<int32_t>(id));
    if (!tokenizer_)
        return {};
    const auto before = decodeRange(prefixOffset_, readOffset_);
    const auto after = decodeRange(prefixOffset_, ids_.size());
    if (after.size() <= before.size() || endsIncomplete(after))
        return {};  // nothing visible yet, or the last character is still incomplete
    // The window moves forward so decoding stays O(window), not O(generated text).
    prefixOffset_ = readOffset_;
    readOffset_ = ids_.size();
    return after.substr(before.size());
}

std::string TextStream::finish()
{
    if (!tokenizer_ || readOffset_ == ids_.size())
        return {};
    const auto before = decodeRange(prefixOffset_, readOffset_);
    const auto after = decodeRange(prefixOffset_, ids_.size());
    readOffset_ = ids_.size();
    return after.size() > before.size() ? after.substr(before.size()) : std::string();
}

}  // namespace lora::generation
