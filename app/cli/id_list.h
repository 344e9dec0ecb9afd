#pragma once
// Token ids given on the command line as "1,2,3" (--ids of logits and generate).
#include <cstdint>
#include <string>
#include <vector>

namespace lora::cli {

// Throws lora::Error naming the item that is not an integer.
std::vector<int64_t> parseIdList(const std::string& text);

}  // namespace lora::cli
