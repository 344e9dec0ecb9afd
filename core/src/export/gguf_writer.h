#pragma once
// GGUF v3 (ggml's file format, docs/gguf.md in ggml): "GGUF", version 3, tensor and key-value counts, the
// key-values, the tensor infos, then the tensor data, each tensor at an offset aligned to general.alignment
// (32 by default). ggml lists a tensor's dimensions fastest-varying first (ne), so a row-major [rows, cols]
// array has ne {cols, rows}. Torch-free: tensors are float arrays, written as F32 or F16.
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace lora::gguf {

enum class TensorType : uint32_t { F32 = 0, F16 = 1 };  // ggml_type values

// The value types the writer needs; each is written with its own GGUF type tag.
using Value = std::variant<std::string, float, uint32_t>;

struct KeyValue {
    std::string key;
    Value value;
};

struct Tensor {
    std::string name;
    std::vector<int64_t> shape;  // row-major, as torch and PEFT spell it; written reversed as ggml's ne
    std::vector<float> values;   // row-major, shape's product of them
};

inline constexpr uint32_t kAlignment = 32;  // GGUF_DEFAULT_ALIGNMENT

// Writes atomically (lora::writeFileAtomically). Throws lora::Error naming `file` if a tensor's values do not
// fill its shape, a name is longer than GGUF allows (64 bytes), or the write fails.
void writeGguf(const std::filesystem::path& file, const std::vector<KeyValue>& metadata,
               const std::vector<Tensor>& tensors, TensorType type);

}  // namespace lora::gguf
