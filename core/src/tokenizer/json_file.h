#pragma once
// Reading tokenizer.json from disk with limits, so a hostile or corrupt file fails cleanly.
#include <cstdint>
#include <filesystem>

#include "tokenizer/config.h"

namespace lora::tok {

inline constexpr std::uintmax_t kMaxTokenizerJsonBytes = 512ull << 20;
inline constexpr int kMaxJsonDepth = 64;

// Throws lora::Error "<path>: <problem>" for a missing/unreadable/oversized file, nesting over
// kMaxJsonDepth, or invalid JSON.
Json readTokenizerJson(const std::filesystem::path& path);

}  // namespace lora::tok
