#pragma once
// PCRE2 (UTF + UCP, JIT when available) standing in for the Oniguruma regexes of the Rust `tokenizers` crate.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lora::tok {

class Regex {
public:
    // Throws std::runtime_error naming the pattern and PCRE2's complaint.
    explicit Regex(const std::string& pattern);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Non-overlapping matches, iterated the way the `onig` crate's find_iter does (an empty match right
    // after the previous match is skipped). `subject` must be valid UTF-8.
    std::vector<std::pair<size_t, size_t>> findAll(std::string_view subject) const;
    const std::string& pattern() const { return pattern_; }

private:
    std::string pattern_;
    void* code_ = nullptr;  // pcre2_code_8*, kept out of the header so pcre2.h stays private
};

// Oniguruma's \s also matches U+0085 (NEL); PCRE2's UCP \s does not. Rewrites \s and \S accordingly.
std::string onigurumaToPcre2(std::string_view pattern);

}  // namespace lora::tok
