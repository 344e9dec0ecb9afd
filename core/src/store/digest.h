#pragma once
#include <cstddef>
#include <span>
#include <string>

namespace lora {

std::string sha256Hex(std::span<const std::byte> bytes);  // lowercase hex

}  // namespace lora
