#include "export/gguf_writer.h"

#include "lora/atomic_file.h"
#include "lora/error.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace lora::gguf {
namespace {

static_assert(std::endian::native == std::endian::little, "GGUF files are written little-endian");

enum class ValueType : uint32_t { Uint32 = 4, Float32 = 6, String = 8 };  // gguf_type values
constexpr size_t kMaxNameBytes = 63;  // GGML_MAX_NAME is 64 with the terminating NUL

class Buffer {
public:
    template <typename T>
    void put(T v)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        const auto* p = reinterpret_cast<const std::byte*>(&v);
        bytes_.insert(bytes_.end(), p, p + sizeof(T));
    }
    void putString(const std::string& s)
    {
        put<uint64_t>(s.size());
        const auto* p = reinterpret_cast<const std::byte*>(s.data());
        bytes_.insert(bytes_.end(), p, p + s.size());
    }
    void pad(uint64_t alignment) { bytes_.resize((bytes_.size() + alignment - 1) / alignment * alignment); }
    const std::vector<std::byte>& bytes() const { return bytes_; }

private:
    std::vector<std::byte> bytes_;
};

void putValue(Buffer& out, const Value& value)
{
    if (const auto* s = std::get_if<std::string>(&value)) {
        out.put(ValueType::String);
        out.putString(*s);
    } else if (const auto* f = std::get_if<float>(&value)) {
        out.put(ValueType::Float32);
        out.put(*f);
    } else {
        out.put(ValueType::Uint32);
        out.put(std::get<uint32_t>(value));
    }
}

uint64_t elementCount(const Tensor& t)
{
    uint64_t n = 1;
    for (const auto d : t.shape)
        n *= static_cast<uint64_t>(d);
    return n;
}

// IEEE 754 binary16, round to nearest even; what ggml_fp32_to_fp16 computes.
uint16_t toHalf(float value)
{
    const uint32_t f = std::bit_cast<uint32_t>(value);
    const uint32_t sign = (f >> 16) & 0x8000u;
    const uint32_t absBits = f & 0x7fffffffu;
    if (absBits > 0x7f800000u)
        return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
    if (absBits >= 0x477ff000u)                          // rounds to ≥ 65520: infinity
        return static_cast<uint16_t>(sign | 0x7c00u);
    if (absBits < 0x38800000u) {  // below the smallest normal half: subnormal (or zero)
        const float scaled = std::bit_cast<float>(absBits) * 16777216.0f;  // × 2^24, exact; rounds to nearest even
        return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(scaled)));
    }
    const uint32_t mantissaRounding = 0xfffu + ((absBits >> 13) & 1u);
    return static_cast<uint16_t>(sign | ((absBits - 0x38000000u + mantissaRounding) >> 13));
}

void putData(Buffer& out, const Tensor& t, TensorType type)
{
    for (const float v : t.values) {
        if (type == TensorType::F32)
            out.put(v);
        else
            out.put(toHalf(v));
    }
}

}  // namespace

void writeGguf(const std::filesystem::path& file, const std::vector<KeyValue>& metadata,
               const std::vector<Tensor>& tensors, TensorType type)
{
    const uint64_t elementBytes = type == TensorType::F32 ? 4 : 2;
    Buffer out;
    out.put<uint32_t>(0x46554747u);  // "GGUF"
    out.put<uint32_t>(3);
    out.put<uint64_t>(tensors.size());
    out.put<uint64_t>(metadata.size());
    for (const auto& kv : metadata) {
        out.putString(kv.key);
        putValue(out, kv.value);
    }
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        if (t.name.size() > kMaxNameBytes)
            throwFileError(file, "tensor name '" + t.name + "' is longer than GGUF's 63 bytes");
        if (t.shape.empty() || elementCount(t) != t.values.size())
            throwFileError(file, "tensor '" + t.name + "' has " + std::to_string(t.values.size()) +
                                     " values, which do not fill its shape");
        out.putString(t.name);
        out.put<uint32_t>(static_cast<uint32_t>(t.shape.size()));
        for (auto d = t.shape.rbegin(); d != t.shape.rend(); ++d)
            out.put<uint64_t>(static_cast<uint64_t>(*d));
        out.put(type);
        out.put<uint64_t>(offset);
        offset += (elementCount(t) * elementBytes + kAlignment - 1) / kAlignment * kAlignment;
    }
    out.pad(kAlignment);
    for (const auto& t : tensors) {
        putData(out, t, type);
        out.pad(kAlignment);
    }
    const auto& bytes = out.bytes();
    writeFileAtomically(file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace lora::gguf
