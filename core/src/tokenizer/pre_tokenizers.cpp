#include "tokenizer/pre_tokenizers.h"

#include <cctype>

#include "tokenizer/byte_level.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

constexpr const char* kSection = "pre_tokenizer";

// Built once per process; Regex is immutable after construction, so sharing it between threads is fine.
const Regex& gpt2Regex()
{
    static const Regex re(onigurumaToPcre2(
        R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)"));
    return re;
}

// The Rust crate's Whitespace pre-tokenizer uses the `regex` crate's Unicode \w and \s: spelled out here.
const Regex& wordOrSymbolRegex()
{
    static const std::string w =
        R"([\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\x{200C}\x{200D}\x{24B6}-\x{24E9}\x{1F130}-\x{1F149}\x{1F150}-\x{1F169}\x{1F170}-\x{1F189}])";
    static const std::string wInner = w.substr(1, w.size() - 2);
    static const Regex re(w + "+|[^" + wInner + R"(\s\x{85}]+)");
    return re;
}

Finder charFinder(std::function<bool(char32_t)> pred)
{
    return [pred = std::move(pred)](std::string_view text) { return charSpans(pred, text); };
}

class SequencePre final : public PreTokenizer {
public:
    explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}
    void preTokenize(std::vector<Piece>& pieces) const override
    {
        for (const auto& p : parts_) p->preTokenize(pieces);
    }
    bool isByteLevel() const override
    {
        for (const auto& p : parts_)
            if (p->isByteLevel()) return true;
        return false;
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

class ByteLevelPre final : public PreTokenizer {
public:
    ByteLevelPre(bool addPrefixSpace, bool useRegex) : addPrefixSpace_(addPrefixSpace), useRegex_(useRegex) {}
    void preTokenize(std::vector<Piece>& pieces) const override
    {
        if (addPrefixSpace_) {
            for (auto& p : pieces)
                if (p.text.empty() || p.text.front() != ' ') p.text.insert(0, 1, ' ');
        }
        if (useRegex_) {
            splitPieces(pieces, [](std::string_view t) { return regexSpans(gpt2Regex(), t); }, SplitBehavior::Isolated);
        }
        for (auto& p : pieces) p.text = bytesToChars(p.text);
    }
    bool isByteLevel() const override { return true; }

private:
    bool addPrefixSpace_;
    bool useRegex_;
};

class SplitPre final : public PreTokenizer {
public:
    SplitPre(Finder find, SplitBehavior behavior, bool invert)
        : find_(std::move(find)), behavior_(behavior), invert_(invert)
    {
    }
    void preTokenize(std::vector<Piece>& pieces) const override { splitPieces(pieces, find_, behavior_, invert_); }

private:
    Finder find_;
    SplitBehavior behavior_;
    bool invert_;
};

enum class Prepend { Always, First, Never };

class MetaspacePre final : public PreTokenizer {
public:
    MetaspacePre(char32_t replacement, Prepend scheme, bool split)
        : replacement_(replacement), scheme_(scheme), split_(split)
    {
        appendUtf8(rep_, replacement);
    }
    void preTokenize(std::vector<Piece>& pieces) const override
    {
        for (auto& p : pieces) {
            p.text = replaceAll(p.text, [](std::string_view t) { return literalSpans(" ", t); }, rep_);
            const bool startsWithRep = p.text.compare(0, rep_.size(), rep_) == 0;
            const bool prepend = !startsWithRep && (scheme_ == Prepend::Always || (scheme_ == Prepend::First && p.atOrigin));
            if (prepend) p.text.insert(0, rep_);
        }
        if (split_) {
            const char32_t r = replacement_;
            splitPieces(pieces, charFinder([r](char32_t c) { return c == r; }), SplitBehavior::MergedWithNext);
        }
    }

private:
    char32_t replacement_;
    std::string rep_;
    Prepend scheme_;
    bool split_;
};

class BertPre final : public PreTokenizer {
public:
    void preTokenize(std::vector<Piece>& pieces) const override
    {
        splitPieces(pieces, charFinder(isWhitespace), SplitBehavior::Removed);
        splitPieces(pieces, charFinder([](char32_t c) { return (c < 0x80 && std::ispunct(static_cast<int>(c))) || isPunctuation(c); }),
                    SplitBehavior::Isolated);
    }
};

Prepend prependScheme(const Json& j)
{
    const std::string scheme = stringOr(j, "prepend_scheme", "always");
    Prepend p = scheme == "always" ? Prepend::Always : scheme == "first" ? Prepend::First : Prepend::Never;
    if (scheme != "always" && scheme != "first" && scheme != "never")
        throw ConfigError("Metaspace: unknown prepend_scheme '" + scheme + "'");
    // Files written before prepend_scheme existed say add_prefix_space instead.
    if (const auto it = j.find("add_prefix_space"); it != j.end() && it->is_boolean() && !it->get<bool>())
        p = Prepend::Never;
    return p;
}

}  // namespace

std::unique_ptr<PreTokenizer> makePreTokenizer(const Json& j)
{
    if (j.is_null()) return nullptr;
    const std::string type = componentType(j, kSection);
    if (type == "Sequence") {
        std::vector<std::unique_ptr<PreTokenizer>> parts;
        for (const auto& part : required(j, "pretokenizers", kSection)) {
            if (auto p = makePreTokenizer(part)) parts.push_back(std::move(p));
        }
        return std::make_unique<SequencePre>(std::move(parts));
    }
    if (type == "ByteLevel") return std::make_unique<ByteLevelPre>(boolOr(j, "add_prefix_space", true), boolOr(j, "use_regex", true));
    if (type == "Split") {
        return std::make_unique<SplitPre>(patternFinder(required(j, "pattern", kSection), "Split pre_tokenizer"),
                                          splitBehavior(required(j, "behavior", kSection), "Split pre_tokenizer"),
                                          boolOr(j, "invert", false));
    }
    if (type == "Metaspace") {
        return std::make_unique<MetaspacePre>(singleChar(stringOr(j, "replacement", "\xE2\x96\x81"), "Metaspace"),
                                              prependScheme(j), boolOr(j, "split", true));
    }
    if (type == "BertPreTokenizer") return std::make_unique<BertPre>();
    if (type == "Whitespace") {
        return std::make_unique<SplitPre>([](std::string_view t) { return regexSpans(wordOrSymbolRegex(), t); },
                                          SplitBehavior::Removed, true);
    }
    if (type == "WhitespaceSplit") return std::make_unique<SplitPre>(charFinder(isWhitespace), SplitBehavior::Removed, false);
    if (type == "CharDelimiterSplit") {
        const char32_t d = singleChar(stringOr(j, "delimiter", ""), "CharDelimiterSplit");
        return std::make_unique<SplitPre>(charFinder([d](char32_t c) { return c == d; }), SplitBehavior::Removed, false);
    }
    if (type == "Digits") {
        const auto behavior = boolOr(j, "individual_digits", false) ? SplitBehavior::Isolated : SplitBehavior::Contiguous;
        return std::make_unique<SplitPre>(charFinder(isNumeric), behavior, false);
    }
    if (type == "Punctuation") {
        const auto it = j.find("behavior");
        const auto behavior = it == j.end() ? SplitBehavior::Isolated : splitBehavior(*it, "Punctuation pre_tokenizer");
        return std::make_unique<SplitPre>(
            charFinder([](char32_t c) { return (c < 0x80 && std::ispunct(static_cast<int>(c))) || isPunctuation(c); }),
            behavior, false);
    }
    unsupported(kSection, type);
}

}  // namespace lora::tok
