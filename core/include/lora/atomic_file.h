#pragma once
// Atomic writes: data goes to a temporary file in the destination folder, is flushed to disk, then
// renamed over the destination. A crash or a full disk leaves the previous file intact.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string_view>

namespace lora {

// Calls `write` with a sink; everything the sink receives becomes the new content of `path`.
// Throws lora::Error naming `path` if any write, the flush or the rename fails (the temp file is removed).
using ByteSink = std::function<void(std::span<const std::byte>)>;
void writeFileAtomically(const std::filesystem::path& path, const std::function<void(const ByteSink&)>& write);

void writeFileAtomically(const std::filesystem::path& path, std::string_view content);

}  // namespace lora
