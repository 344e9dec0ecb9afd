#pragma once
// GPT-2's reversible byte <-> printable character table (bytes_to_unicode).
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace lora::tok {

// The UTF-8 of the character standing for each byte.
const std::array<std::string, 256>& byteToChar();
// The byte a character stands for, if it is one of the 256.
std::optional<unsigned char> charToByte(char32_t c);

// Every byte of `bytes` replaced by its character.
std::string bytesToChars(std::string_view bytes);

}  // namespace lora::tok
