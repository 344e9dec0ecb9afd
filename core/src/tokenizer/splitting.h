#pragma once
// The splitting machinery shared by pre-tokenizers: a piece of text, the "matches covering the whole
// string" of a pattern, and the five SplitDelimiterBehaviors of the Rust crate (NormalizedString::split).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lora::tok {

class Regex;

struct Piece {
    std::string text;
    // Whether the piece starts at byte 0 of the original input; Metaspace's prepend_scheme "first" needs it.
    bool atOrigin = false;
};

struct Span {
    size_t start;
    size_t end;
    bool isMatch;
};

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

using Finder = std::function<std::vector<Span>(std::string_view)>;

// Each match and each gap between matches, in order, covering `text` (an empty text gives one empty gap).
std::vector<Span> regexSpans(const Regex& re, std::string_view text);
std::vector<Span> literalSpans(std::string_view literal, std::string_view text);
// Every character for which `pred` holds is its own match.
std::vector<Span> charSpans(const std::function<bool(char32_t)>& pred, std::string_view text);

// Splits every piece with the spans `find` returns, drops empty results.
void splitPieces(std::vector<Piece>& pieces, const Finder& find, SplitBehavior behavior, bool invert = false);

// Replaces every match of `find` in `text` with `content`.
std::string replaceAll(std::string_view text, const Finder& find, std::string_view content);

}  // namespace lora::tok
