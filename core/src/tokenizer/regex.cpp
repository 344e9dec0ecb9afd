#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/regex.h"

#include <stdexcept>

#include <pcre2.h>

#include "tokenizer/unicode.h"

namespace lora::tok {
namespace {

pcre2_code* asCode(void* p)
{
    return static_cast<pcre2_code*>(p);
}

struct MatchData {
    explicit MatchData(const pcre2_code* code) : md(pcre2_match_data_create_from_pattern(code, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(md); }
    MatchData(const MatchData&) = delete;
    MatchData& operator=(const MatchData&) = delete;
    pcre2_match_data* md;
};

}  // namespace

Regex::Regex(const std::string& pattern) : pattern_(pattern)
{
    int err = 0;
    PCRE2_SIZE errOffset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     PCRE2_UTF | PCRE2_UCP, &err, &errOffset, nullptr);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        throw std::runtime_error("cannot compile regex '" + pattern + "' at offset " + std::to_string(errOffset) +
                                 ": " + reinterpret_cast<const char*>(msg));
    }
    // JIT is an optimisation only: when it is unavailable pcre2_match interprets the pattern.
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    code_ = code;
}

Regex::~Regex()
{
    pcre2_code_free(asCode(code_));
}

std::vector<std::pair<size_t, size_t>> Regex::findAll(std::string_view subject) const
{
    std::vector<std::pair<size_t, size_t>> out;
    MatchData data(asCode(code_));
    const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
    size_t from = 0;
    bool haveLast = false;
    size_t lastEnd = 0;
    while (from <= subject.size()) {
        // The subject was made valid UTF-8 on entry; checking it again on every call would be quadratic.
        const int rc = pcre2_match(asCode(code_), text, subject.size(), from, PCRE2_NO_UTF_CHECK, data.md, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(rc, msg, sizeof msg);
            throw std::runtime_error("regex '" + pattern_ + "' failed: " + reinterpret_cast<const char*>(msg));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data.md);
        const size_t s = ov[0];
        const size_t e = ov[1];
        if (s == e && haveLast && lastEnd == e) {
            if (from >= subject.size()) break;
            size_t next = from;
            nextCodepoint(subject, next);
            from = next;
            continue;
        }
        out.emplace_back(s, e);
        haveLast = true;
        lastEnd = e;
        from = e;
    }
    return out;
}

std::string onigurumaToPcre2(std::string_view p)
{
    std::string out;
    out.reserve(p.size() + 16);
    int classDepth = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char n = p[i + 1];
            if (n == 's') {
                out += classDepth > 0 ? "\\s\\x{85}" : "[\\s\\x{85}]";
            } else if (n == 'S' && classDepth == 0) {
                out += "[^\\s\\x{85}]";
            } else {
                out += c;
                out += n;
            }
            ++i;
            continue;
        }
        if (c == '[') {
            ++classDepth;
            out += c;
            // A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
            if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
            continue;
        }
        if (c == ']' && classDepth > 0) --classDepth;
        out += c;
    }
    return out;
}

}  // namespace lora::tok
