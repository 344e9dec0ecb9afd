#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lora::data {

// Offset of the first byte that does not start or continue a valid UTF-8 sequence: overlong forms,
// UTF-16 surrogates and code points above U+10FFFF are invalid too (as in RFC 3629).
std::optional<size_t> findInvalidUtf8(std::string_view text);

// "not valid UTF-8 (byte 0xFF at column 7)"; column is 1-based, in bytes.
std::string describeInvalidUtf8(std::string_view text, size_t offset);

}  // namespace lora::data
