#pragma once
// Safetensors: https://huggingface.co/docs/safetensors — an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the data.
// Files are untrusted: the reader validates everything before any byte of tensor data is touched.
// Torch-free: tensors are byte views into a memory map; core/src/model converts them to torch.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lora {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

const char* dtypeName(DType);           // "F32", ... as safetensors spells it
size_t dtypeSize(DType);                // bytes per element
std::optional<DType> dtypeFromName(std::string_view name);  // exact safetensors spelling; nullopt otherwise

struct TensorInfo {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    uint64_t begin = 0;  // offsets relative to the start of the data area
    uint64_t end = 0;
    int64_t numel() const;
};

// One memory-mapped .safetensors file. Throws lora::Error "<file>: <problem>" on any invalid header:
// too short, header length past the end or over the limit, not JSON, unknown dtype, negative or overflowing
// shape, offsets outside the data area, overlapping, or not matching shape × dtype size.
class SafetensorsFile {
public:
    static std::shared_ptr<const SafetensorsFile> open(const std::filesystem::path& file);
    ~SafetensorsFile();

    const std::filesystem::path& path() const { return path_; }
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find(const std::string& name) const;  // nullptr when absent
    std::span<const std::byte> bytes(const TensorInfo& tensor) const;
    // Done with this tensor's bytes for now: their pages leave this process's resident memory (they stay in
    // the page cache, and bytes() still works: a later read maps them back from the file). A loader that
    // copies each tensor out then holds one copy of the weights, not two.
    void release(const TensorInfo& tensor) const;
    const std::map<std::string, std::string>& metadata() const { return metadata_; }

    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

private:
    SafetensorsFile() = default;
    std::filesystem::path path_;
    const std::byte* map_ = nullptr;
    size_t mapSize_ = 0;
    const std::byte* data_ = nullptr;  // start of the data area inside map_
    std::vector<TensorInfo> tensors_;
    std::map<std::string, size_t> index_;
    std::map<std::string, std::string> metadata_;
};

// A model folder's weights: model.safetensors, or model.safetensors.index.json with its shards
// (the index's weight_map names each tensor's shard). Any other single *.safetensors file is used when
// it is the only one. A folder holding only pickle checkpoints (pytorch_model.bin, *.pt, *.ckpt, *.pth) is refused
// with a message saying pickles can run code and how to convert them to safetensors.
class SafetensorsCheckpoint {
public:
    static SafetensorsCheckpoint open(const std::filesystem::path& modelDirOrFile);

    struct Entry {
        const SafetensorsFile* file;
        const TensorInfo* info;
    };
    const Entry* find(const std::string& name) const;  // nullptr when absent
    std::vector<std::string> names() const;           // sorted
    const std::vector<std::shared_ptr<const SafetensorsFile>>& files() const { return files_; }

private:
    std::vector<std::shared_ptr<const SafetensorsFile>> files_;
    std::map<std::string, Entry> entries_;
};

// A tensor to write: the bytes must already be in `dtype`, little-endian, row-major.
struct TensorToWrite {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    std::span<const std::byte> data;
};

// Writes atomically (temp file + rename). Tensors are laid out in the given order, header padded to 8 bytes.
void writeSafetensors(const std::filesystem::path& file, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Limits on what a file may make us allocate or parse.
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100ull << 20;  // 100 MiB, as the reference crate
inline constexpr size_t kMaxSafetensorsTensors = 1u << 20;

}  // namespace lora
