#include "tokenizer/splitting.h"

#include <algorithm>

#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

std::vector<Span> coverWith(const std::vector<std::pair<size_t, size_t>>& matches, std::string_view text)
{
    if (text.empty()) return {{0, 0, false}};
    std::vector<Span> out;
    size_t prev = 0;
    for (auto [s, e] : matches) {
        if (prev != s) out.push_back({prev, s, false});
        out.push_back({s, e, true});
        prev = e;
    }
    if (prev != text.size()) out.push_back({prev, text.size(), false});
    return out;
}

struct Range {
    size_t start;
    size_t end;
    bool remove;
};

std::vector<Range> applyBehavior(const std::vector<Span>& spans, SplitBehavior behavior)
{
    std::vector<Range> out;
    bool previousMatch = false;
    switch (behavior) {
    case SplitBehavior::Isolated:
        for (const auto& s : spans) out.push_back({s.start, s.end, false});
        break;
    case SplitBehavior::Removed:
        for (const auto& s : spans) out.push_back({s.start, s.end, s.isMatch});
        break;
    case SplitBehavior::Contiguous:
        for (const auto& s : spans) {
            if (s.isMatch == previousMatch && !out.empty()) out.back().end = s.end;
            else out.push_back({s.start, s.end, false});
            previousMatch = s.isMatch;
        }
        break;
    case SplitBehavior::MergedWithPrevious:
        for (const auto& s : spans) {
            if (s.isMatch && !previousMatch && !out.empty()) out.back().end = s.end;
            else out.push_back({s.start, s.end, false});
            previousMatch = s.isMatch;
        }
        break;
    case SplitBehavior::MergedWithNext:
        for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
            if (it->isMatch && !previousMatch && !out.empty()) out.back().start = it->start;
            else out.push_back({it->start, it->end, false});
            previousMatch = it->isMatch;
        }
        std::reverse(out.begin(), out.end());
        break;
    }
    return out;
}

}  // namespace

std::vector<Span> regexSpans(const Regex& re, std::string_view text)
{
    if (text.empty()) return {{0, 0, false}};
    return coverWith(re.findAll(text), text);
}

std::vector<Span> literalSpans(std::string_view literal, std::string_view text)
{
    std::vector<std::pair<size_t, size_t>> matches;
    if (!literal.empty()) {
        for (size_t pos = text.find(literal); pos != std::string_view::npos; pos = text.find(literal, pos + literal.size()))
            matches.emplace_back(pos, pos + literal.size());
    }
    return coverWith(matches, text);
}

std::vector<Span> charSpans(const std::function<bool(char32_t)>& pred, std::string_view text)
{
    std::vector<std::pair<size_t, size_t>> matches;
    for (size_t i = 0; i < text.size();) {
        const size_t start = i;
        if (pred(nextCodepoint(text, i))) matches.emplace_back(start, i);
    }
    return coverWith(matches, text);
}

void splitPieces(std::vector<Piece>& pieces, const Finder& find, SplitBehavior behavior, bool invert)
{
    std::vector<Piece> out;
    out.reserve(pieces.size());
    for (auto& piece : pieces) {
        auto spans = find(piece.text);
        if (invert)
            for (auto& s : spans) s.isMatch = !s.isMatch;
        for (const auto& r : applyBehavior(spans, behavior)) {
            if (r.remove || r.start == r.end) continue;
            out.push_back({piece.text.substr(r.start, r.end - r.start), piece.atOrigin && r.start == 0});
        }
    }
    pieces = std::move(out);
}

std::string replaceAll(std::string_view text, const Finder& find, std::string_view content)
{
    std::string out;
    out.reserve(text.size());
    for (const auto& s : find(text)) {
        if (s.isMatch) out.append(content);
        else out.append(text.substr(s.start, s.end - s.start));
    }
    return out;
}

}  // namespace lora::tok
