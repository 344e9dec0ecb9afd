#pragma once
// The end-of-sequence tokens of a Hugging Face model folder.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace lora::generation {

// eos_token_id (an id or a list of ids) from generation_config.json, which transformers' generate() reads
// first, else from config.json. Empty when neither names one. Throws lora::Error for unreadable JSON.
std::vector<int64_t> eosTokenIds(const std::filesystem::path& modelDir);

}  // namespace lora::generation
