#pragma once
// The JSON header of a safetensors file, parsed and validated without touching tensor data.
#include "lora/safetensors.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lora::safetensors_detail {

// Deeper nesting never occurs in a valid header (it is at most 3 levels); the cap keeps hostile input cheap.
inline constexpr size_t kMaxHeaderJsonDepth = 64;

struct ParsedHeader {
    std::vector<TensorInfo> tensors;  // in the header's order
    std::map<std::string, size_t> index;  // name -> position in tensors
    std::map<std::string, std::string> metadata;
};

// `json` is the header text, `dataSize` the number of bytes after it. Checks every entry (dtype, shape,
// offsets, size) and that the tensors tile the data area exactly. Throws lora::Error "<file>: <problem>".
ParsedHeader parseSafetensorsHeader(const std::filesystem::path& file, std::string_view json, uint64_t dataSize);

}  // namespace lora::safetensors_detail

namespace lora::safetensors_detail {

// A name from an untrusted file, JSON-quoted (control characters escaped) and shortened, for error messages.
std::string quoteName(std::string_view name);

// nlohmann's exception text without its "[json.exception...] " tag, with the raw bytes it quotes from the
// input made printable: error messages must be valid UTF-8 whatever the file contained.
std::string jsonErrorText(const std::exception& error);

}  // namespace lora::safetensors_detail
