#include "tokenizer/decoders.h"

#include <algorithm>
#include <optional>

#include "tokenizer/byte_level.h"
#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

constexpr const char* kSection = "decoder";

class SequenceDecoder final : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (const auto& p : parts_) p->decodeChain(tokens);
    }
    bool isByteLevel() const override
    {
        for (const auto& p : parts_)
            if (p->isByteLevel()) return true;
        return false;
    }

private:
    std::vector<std::unique_ptr<Decoder>> parts_;
};

class ByteLevelDecoder final : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        std::string bytes;
        for (const auto& t : tokens) {
            // A token with any character outside the byte table (e.g. an added token) passes through as UTF-8.
            const size_t mark = bytes.size();
            bool all = true;
            for (size_t i = 0; i < t.size() && all;) {
                const auto b = charToByte(nextCodepoint(t, i));
                if (b) bytes.push_back(static_cast<char>(*b));
                else all = false;
            }
            if (!all) {
                bytes.resize(mark);
                bytes.append(t);
            }
        }
        tokens.assign(1, toValidUtf8(bytes));
    }
    bool isByteLevel() const override { return true; }
};

class MetaspaceDecoder final : public Decoder {
public:
    MetaspaceDecoder(char32_t replacement, bool stripFirst) : replacement_(replacement), stripFirst_(stripFirst) {}
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::string out;
            const auto& t = tokens[i];
            for (size_t k = 0; k < t.size();) {
                const size_t start = k;
                const char32_t c = nextCodepoint(t, k);
                if (c != replacement_) out.append(t, start, k - start);
                else if (!(i == 0 && stripFirst_)) out.push_back(' ');
            }
            tokens[i] = std::move(out);
        }
    }

private:
    char32_t replacement_;
    bool stripFirst_;
};

class WordPieceDecoder final : public Decoder {
public:
    WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            auto& t = tokens[i];
            if (i != 0) {
                if (t.compare(0, prefix_.size(), prefix_) == 0) t.erase(0, prefix_.size());
                else t.insert(0, 1, ' ');
            }
            if (cleanup_) t = cleanupText(std::move(t));
        }
    }

private:
    static void replaceEvery(std::string& s, std::string_view from, std::string_view to)
    {
        std::string out;
        size_t pos = 0;
        for (size_t hit = s.find(from); hit != std::string::npos; hit = s.find(from, pos)) {
            out.append(s, pos, hit - pos);
            out.append(to);
            pos = hit + from.size();
        }
        out.append(s, pos);
        s = std::move(out);
    }

    // BERT's clean_up_tokenization_spaces, in the crate's order.
    static std::string cleanupText(std::string s)
    {
        static const std::pair<const char*, const char*> kRules[] = {
            {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
            {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
        for (const auto& [from, to] : kRules) replaceEvery(s, from, to);
        return s;
    }

    std::string prefix_;
    bool cleanup_;
};

class ReplaceDecoder final : public Decoder {
public:
    ReplaceDecoder(Finder find, std::string content) : find_(std::move(find)), content_(std::move(content)) {}
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (auto& t : tokens) t = replaceAll(t, find_, content_);
    }

private:
    Finder find_;
    std::string content_;
};

class ByteFallbackDecoder final : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        std::vector<std::string> out;
        std::string pending;
        auto flush = [&] {
            if (pending.empty()) return;
            // Unlike ByteLevel, invalid bytes become one U+FFFD each, not one per ill-formed sequence.
            if (isValidUtf8(pending)) out.push_back(pending);
            else
                for (size_t i = 0; i < pending.size(); ++i) out.emplace_back("\xEF\xBF\xBD");
            pending.clear();
        };
        for (auto& t : tokens) {
            if (auto b = byteToken(t)) {
                pending.push_back(static_cast<char>(*b));
                continue;
            }
            flush();
            out.push_back(std::move(t));
        }
        flush();
        tokens = std::move(out);
    }

private:
    static std::optional<unsigned char> byteToken(const std::string& t)
    {
        if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return std::nullopt;
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        const int hi = hex(t[3]);
        const int lo = hex(t[4]);
        if (hi < 0 || lo < 0) return std::nullopt;
        return static_cast<unsigned char>(hi * 16 + lo);
    }
};

class FuseDecoder final : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        std::string all;
        for (const auto& t : tokens) all += t;
        tokens.assign(1, std::move(all));
    }
};

class StripDecoder final : public Decoder {
public:
    StripDecoder(char32_t content, size_t start, size_t stop) : content_(content), start_(start), stop_(stop) {}
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (auto& t : tokens) {
            auto cps = toCodepoints(t);
            size_t b = 0;
            while (b < start_ && b < cps.size() && cps[b] == content_) ++b;
            size_t e = cps.size();
            size_t stripped = 0;
            while (stripped < stop_ && e > b && cps[e - 1] == content_) {
                --e;
                ++stripped;
            }
            t = fromCodepoints(std::u32string_view(cps).substr(b, e - b));
        }
    }

private:
    char32_t content_;
    size_t start_;
    size_t stop_;
};

class BpeSuffixDecoder final : public Decoder {
public:
    explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            const std::string replacement = i + 1 == tokens.size() ? "" : " ";
            tokens[i] = replaceAll(tokens[i], [this](std::string_view t) { return literalSpans(suffix_, t); }, replacement);
        }
    }

private:
    std::string suffix_;
};

}  // namespace

std::unique_ptr<Decoder> makeDecoder(const Json& j)
{
    if (j.is_null()) return nullptr;
    const std::string type = componentType(j, kSection);
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Decoder>> parts;
        for (const auto& part : required(j, "decoders", kSection)) {
            if (auto d = makeDecoder(part)) parts.push_back(std::move(d));
        }
        return std::make_unique<SequenceDecoder>(std::move(parts));
    }
    if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
    if (type == "Metaspace") {
        bool stripFirst = stringOr(j, "prepend_scheme", "always") != "never";
        if (const auto it = j.find("add_prefix_space"); it != j.end() && it->is_boolean() && !it->get<bool>())
            stripFirst = false;
        return std::make_unique<MetaspaceDecoder>(singleChar(stringOr(j, "replacement", "\xE2\x96\x81"), "Metaspace decoder"),
                                                  stripFirst);
    }
    if (type == "WordPiece") return std::make_unique<WordPieceDecoder>(stringOr(j, "prefix", "##"), boolOr(j, "cleanup", true));
    if (type == "Replace") {
        return std::make_unique<ReplaceDecoder>(patternFinder(required(j, "pattern", kSection), "Replace decoder"),
                                                stringOr(j, "content", ""));
    }
    if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse") return std::make_unique<FuseDecoder>();
    if (type == "Strip") {
        return std::make_unique<StripDecoder>(singleChar(stringOr(j, "content", " "), "Strip decoder"),
                                              static_cast<size_t>(std::max<int64_t>(0, intOr(j, "start", 0))),
                                              static_cast<size_t>(std::max<int64_t>(0, intOr(j, "stop", 0))));
    }
    if (type == "BPEDecoder") return std::make_unique<BpeSuffixDecoder>(stringOr(j, "suffix", "</w>"));
    unsupported(kSection, type);
}

}  // namespace lora::tok
