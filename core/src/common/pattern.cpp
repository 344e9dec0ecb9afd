#include "common/pattern.h"

#include "lora/error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace lora {

struct Pattern::Impl {
    pcre2_code* code = nullptr;
    ~Impl() { pcre2_code_free(code); }
};

Pattern::Pattern(const std::string& pattern, const std::string& context) : impl_(std::make_unique<Impl>())
{
    int error = 0;
    PCRE2_SIZE offset = 0;
    impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_UCP,
                                &error, &offset, nullptr);
    if (!impl_->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw Error(context + ": invalid regular expression '" + pattern + "': " +
                    reinterpret_cast<const char*>(message) + " at offset " + std::to_string(offset));
    }
}

Pattern::~Pattern() = default;
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;

namespace {

struct MatchData {
    pcre2_match_data* data;
    explicit MatchData(const pcre2_code* code) : data(pcre2_match_data_create_from_pattern(code, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(data); }
};

int run(const pcre2_code* code, std::string_view text, uint32_t options, MatchData& md)
{
    return pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, options, md.data, nullptr);
}

}  // namespace

bool Pattern::fullMatch(std::string_view text) const
{
    MatchData md(impl_->code);
    return run(impl_->code, text, PCRE2_ANCHORED | PCRE2_ENDANCHORED, md) >= 0;
}

bool Pattern::matchAtStart(std::string_view text) const
{
    MatchData md(impl_->code);
    return run(impl_->code, text, PCRE2_ANCHORED, md) >= 0;
}

std::optional<std::string> Pattern::matchGroup(std::string_view text, int group) const
{
    MatchData md(impl_->code);
    const int rc = run(impl_->code, text, PCRE2_ANCHORED, md);
    if (rc <= group)
        return std::nullopt;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.data);
    if (ov[2 * group] == PCRE2_UNSET)
        return std::nullopt;
    return std::string(text.substr(ov[2 * group], ov[2 * group + 1] - ov[2 * group]));
}

}  // namespace lora
