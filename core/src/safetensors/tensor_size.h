#pragma once
// Overflow-checked tensor sizes, shared by the reader (untrusted shapes) and the writer (caller's shapes).
#include "lora/safetensors.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace lora::safetensors_detail {

// numel × dtypeSize, or nullopt when a dimension is negative or the element count or byte count does not
// fit in int64 (TensorInfo::numel's type) — such a tensor could never be addressed, so it is invalid.
std::optional<uint64_t> tensorByteSize(const std::vector<int64_t>& shape, DType dtype);

}  // namespace lora::safetensors_detail
