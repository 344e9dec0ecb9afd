#pragma once
// UTF-8 and Unicode character properties, matching what the Rust `tokenizers` crate uses
// (char::is_whitespace, char::is_alphanumeric, unicode_categories, ...). Category data comes from utf8proc.
#include <string>
#include <string_view>

namespace lora::tok {

// Rust's String::from_utf8_lossy: each maximal ill-formed subsequence becomes one U+FFFD.
std::string toValidUtf8(std::string_view bytes);
bool isValidUtf8(std::string_view bytes);

// Decodes the code point at `pos` of valid UTF-8 and advances `pos` past it.
char32_t nextCodepoint(std::string_view s, size_t& pos);
void appendUtf8(std::string& out, char32_t cp);
size_t utf8Length(char32_t cp);
std::u32string toCodepoints(std::string_view s);
std::string fromCodepoints(std::u32string_view cps);

bool isWhitespace(char32_t c);       // Unicode White_Space (Rust char::is_whitespace, regex \s)
bool isNumeric(char32_t c);          // Nd | Nl | No (Rust char::is_numeric)
bool isAlphanumeric(char32_t c);     // Rust char::is_alphanumeric
bool isWordChar(char32_t c);         // regex \w: Alphabetic | Mark | Nd | Pc | Join_Control
bool isPunctuation(char32_t c);      // any P* category
bool isOtherCategory(char32_t c);    // Cc | Cf | Cn | Co | Cs
bool isMark(char32_t c);             // Mn | Mc | Me
bool isNonspacingMark(char32_t c);   // Mn
bool isControlChar(char32_t c);      // Cc (Rust char::is_control)

enum class NormalForm { NFC, NFD, NFKC, NFKD };
std::string normalizeForm(std::string_view s, NormalForm form);
// Rust char::to_lowercase, applied per character.
std::string toLowercase(std::string_view s);

}  // namespace lora::tok
