#pragma once
// Python-`re`-like regular expressions over UTF-8 (PCRE2), for the places where users type patterns that
// PEFT interprets with Python's `re` (target_modules regexes, rank_pattern keys).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lora {

class Pattern {
public:
    // Throws lora::Error "<context>: invalid regular expression '<p>': <reason>".
    Pattern(const std::string& pattern, const std::string& context);
    ~Pattern();
    Pattern(Pattern&&) noexcept;
    Pattern& operator=(Pattern&&) noexcept;

    bool fullMatch(std::string_view text) const;             // re.fullmatch
    bool matchAtStart(std::string_view text) const;          // re.match
    std::optional<std::string> matchGroup(std::string_view text, int group) const;  // re.match(...).group(n)

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lora
