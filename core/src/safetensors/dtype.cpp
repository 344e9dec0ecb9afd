#include "lora/safetensors.h"

#include <array>
#include <stdexcept>
#include <string>
#include <utility>

namespace lora {
namespace {

struct DTypeEntry {
    DType dtype;
    const char* name;
    size_t size;
};

// Spellings are the reference crate's serde variant names; matching is exact (the crate rejects "f32").
constexpr std::array<DTypeEntry, 10> kDTypes{{
    {DType::F64, "F64", 8},
    {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},
    {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},
    {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},
    {DType::Bool, "BOOL", 1},
}};

const DTypeEntry& entryFor(DType dtype)
{
    for (const auto& entry : kDTypes) {
        if (entry.dtype == dtype)
            return entry;
    }
    // Only reachable through a cast of an out-of-range integer to DType.
    throw std::out_of_range("lora::DType value " + std::to_string(static_cast<int>(dtype)) + " is not a dtype");
}

}  // namespace

const char* dtypeName(DType dtype)
{
    return entryFor(dtype).name;
}

size_t dtypeSize(DType dtype)
{
    return entryFor(dtype).size;
}

std::optional<DType> dtypeFromName(std::string_view name)
{
    for (const auto& entry : kDTypes) {
        if (name == entry.name)
            return entry.dtype;
    }
    return std::nullopt;
}

int64_t TensorInfo::numel() const
{
    int64_t n = 1;
    for (int64_t dim : shape)
        n *= dim;
    return n;
}

}  // namespace lora
