#include "tokenizer/normalizers.h"

#include <vector>

#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

constexpr const char* kSection = "normalizer";

template <class Keep>
std::string filterChars(std::string_view s, Keep keep)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const size_t start = i;
        if (keep(nextCodepoint(s, i))) out.append(s.substr(start, i - start));
    }
    return out;
}

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
    std::string normalize(std::string text) const override
    {
        for (const auto& p : parts_) text = p->normalize(std::move(text));
        return text;
    }

private:
    std::vector<std::unique_ptr<Normalizer>> parts_;
};

class FormNormalizer final : public Normalizer {
public:
    explicit FormNormalizer(NormalForm form) : form_(form) {}
    std::string normalize(std::string text) const override { return normalizeForm(text, form_); }

private:
    NormalForm form_;
};

class LowercaseNormalizer final : public Normalizer {
public:
    std::string normalize(std::string text) const override { return toLowercase(text); }
};

class StripAccentsNormalizer final : public Normalizer {
public:
    // Only removes combining marks already present: like the Rust crate it relies on a preceding NFD/NFKD.
    std::string normalize(std::string text) const override
    {
        return filterChars(text, [](char32_t c) { return !isMark(c); });
    }
};

class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(Finder find, std::string content) : find_(std::move(find)), content_(std::move(content)) {}
    std::string normalize(std::string text) const override { return replaceAll(text, find_, content_); }

private:
    Finder find_;
    std::string content_;
};

class PrependNormalizer final : public Normalizer {
public:
    explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
    std::string normalize(std::string text) const override
    {
        return text.empty() ? text : prefix_ + text;
    }

private:
    std::string prefix_;
};

class StripNormalizer final : public Normalizer {
public:
    StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
    std::string normalize(std::string text) const override
    {
        const auto cps = toCodepoints(text);
        size_t b = 0;
        size_t e = cps.size();
        if (left_)
            while (b < e && isWhitespace(cps[b])) ++b;
        if (right_)
            while (e > b && isWhitespace(cps[e - 1])) --e;
        return fromCodepoints(std::u32string_view(cps).substr(b, e - b));
    }

private:
    bool left_;
    bool right_;
};

bool isChineseChar(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

class BertNormalizer final : public Normalizer {
public:
    BertNormalizer(bool cleanText, bool chinese, bool stripAccents, bool lowercase)
        : cleanText_(cleanText), chinese_(chinese), stripAccents_(stripAccents), lowercase_(lowercase)
    {
    }

    std::string normalize(std::string text) const override
    {
        if (cleanText_) text = clean(text);
        if (chinese_) text = padChinese(text);
        if (stripAccents_) {
            // BERT strips only nonspacing marks (Mn), unlike the StripAccents normalizer.
            text = filterChars(normalizeForm(text, NormalForm::NFD), [](char32_t c) { return !isNonspacingMark(c); });
        }
        if (lowercase_) text = toLowercase(text);
        return text;
    }

private:
    static std::string clean(std::string_view s)
    {
        std::string out;
        out.reserve(s.size());
        for (size_t i = 0; i < s.size();) {
            const size_t start = i;
            const char32_t c = nextCodepoint(s, i);
            const bool tabOrNewline = c == '\t' || c == '\n' || c == '\r';
            if (c == 0 || c == 0xFFFD || (!tabOrNewline && isOtherCategory(c))) continue;
            if (tabOrNewline || isWhitespace(c)) out.push_back(' ');
            else out.append(s.substr(start, i - start));
        }
        return out;
    }

    static std::string padChinese(std::string_view s)
    {
        std::string out;
        out.reserve(s.size());
        for (size_t i = 0; i < s.size();) {
            const size_t start = i;
            const char32_t c = nextCodepoint(s, i);
            if (isChineseChar(c)) {
                out.push_back(' ');
                out.append(s.substr(start, i - start));
                out.push_back(' ');
            } else {
                out.append(s.substr(start, i - start));
            }
        }
        return out;
    }

    bool cleanText_;
    bool chinese_;
    bool stripAccents_;
    bool lowercase_;
};

// SentencePiece's NMT normalisation: drop some control characters, turn other odd spaces into ' '.
class NmtNormalizer final : public Normalizer {
public:
    std::string normalize(std::string text) const override
    {
        std::string out;
        out.reserve(text.size());
        for (size_t i = 0; i < text.size();) {
            const size_t start = i;
            const char32_t c = nextCodepoint(text, i);
            if ((c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || c == 0x8F ||
                c == 0x9F)
                continue;
            const bool space = c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x1680 ||
                               (c >= 0x200B && c <= 0x200F) || c == 0x2028 || c == 0x2029 || c == 0x2581 ||
                               c == 0xFEFF || c == 0xFFFD;
            if (space) out.push_back(' ');
            else out.append(text, start, i - start);
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Normalizer> makeNormalizer(const Json& j)
{
    if (j.is_null()) return nullptr;
    const std::string type = componentType(j, kSection);
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Normalizer>> parts;
        for (const auto& part : required(j, "normalizers", kSection)) {
            if (auto n = makeNormalizer(part)) parts.push_back(std::move(n));
        }
        return std::make_unique<SequenceNormalizer>(std::move(parts));
    }
    if (type == "NFC") return std::make_unique<FormNormalizer>(NormalForm::NFC);
    if (type == "NFD") return std::make_unique<FormNormalizer>(NormalForm::NFD);
    if (type == "NFKC") return std::make_unique<FormNormalizer>(NormalForm::NFKC);
    if (type == "NFKD") return std::make_unique<FormNormalizer>(NormalForm::NFKD);
    if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
    if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
    if (type == "Nmt") return std::make_unique<NmtNormalizer>();
    if (type == "Replace") {
        return std::make_unique<ReplaceNormalizer>(patternFinder(required(j, "pattern", kSection), "Replace normalizer"),
                                                   stringOr(j, "content", ""));
    }
    if (type == "Prepend") return std::make_unique<PrependNormalizer>(stringOr(j, "prepend", ""));
    if (type == "Strip") return std::make_unique<StripNormalizer>(boolOr(j, "strip_left", true), boolOr(j, "strip_right", true));
    if (type == "BertNormalizer") {
        const bool lowercase = boolOr(j, "lowercase", true);
        return std::make_unique<BertNormalizer>(boolOr(j, "clean_text", true), boolOr(j, "handle_chinese_chars", true),
                                                boolOr(j, "strip_accents", lowercase), lowercase);
    }
    unsupported(kSection, type);
}

}  // namespace lora::tok
