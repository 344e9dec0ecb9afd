#include "safetensors/tensor_size.h"

#include <limits>

namespace lora::safetensors_detail {

std::optional<uint64_t> tensorByteSize(const std::vector<int64_t>& shape, DType dtype)
{
    constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    uint64_t numel = 1;
    for (int64_t dim : shape) {
        if (dim < 0)
            return std::nullopt;
        if (__builtin_mul_overflow(numel, static_cast<uint64_t>(dim), &numel) || numel > kMax)
            return std::nullopt;
    }
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(numel, static_cast<uint64_t>(dtypeSize(dtype)), &bytes) || bytes > kMax)
        return std::nullopt;
    return bytes;
}

}  // namespace lora::safetensors_detail
