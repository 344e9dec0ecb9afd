#include "lora/atomic_file.h"
#include "lora/error.h"
#include "lora/safetensors.h"
#include "safetensors/safetensors_header.h"
#include "safetensors/tensor_size.h"

#include <nlohmann/json.hpp>
#include <set>

namespace lora {
namespace {

using safetensors_detail::quoteName;

// Strict: a name that is not UTF-8 would make a header other readers reject.
std::string jsonString(const std::filesystem::path& file, const std::string& text, const std::string& what)
{
    try {
        return nlohmann::json(text).dump();
    } catch (const nlohmann::json::type_error&) {
        throwFileError(file, what + " " + quoteName(text) + " is not valid UTF-8; safetensors headers are UTF-8 JSON");
    }
}

// The same layout the reference crate writes: "__metadata__" first, then one entry per tensor with the keys
// dtype, shape, data_offsets; offsets are contiguous in the given order.
std::string buildHeader(const std::filesystem::path& file, const std::vector<TensorToWrite>& tensors,
                        const std::map<std::string, std::string>& metadata)
{
    std::string header = "{";
    if (!metadata.empty()) {
        header += "\"__metadata__\":{";
        bool first = true;
        for (const auto& [key, value] : metadata) {
            if (!first)
                header += ',';
            first = false;
            header += jsonString(file, key, "metadata key");
            header += ':';
            header += jsonString(file, value, "metadata value for key " + quoteName(key) + ",");
        }
        header += '}';
    }
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        if (header.size() > 1)
            header += ',';
        header += jsonString(file, t.name, "tensor name");
        header += ":{\"dtype\":\"";
        header += dtypeName(t.dtype);
        header += "\",\"shape\":[";
        for (size_t i = 0; i < t.shape.size(); ++i) {
            if (i > 0)
                header += ',';
            header += std::to_string(t.shape[i]);
        }
        const uint64_t end = offset + t.data.size();
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(end) + "]}";
        offset = end;
    }
    header += '}';
    // Padding with spaces (valid JSON whitespace) puts the data area on an 8-byte boundary, as the reference
    // does, so that readers may view tensors in place without unaligned access.
    header.append((8 - header.size() % 8) % 8, ' ');
    return header;
}

void validate(const std::filesystem::path& file, const std::vector<TensorToWrite>& tensors)
{
    if (tensors.size() > kMaxSafetensorsTensors)
        throwFileError(file, "cannot write " + std::to_string(tensors.size()) + " tensors; readers accept at most " +
                                 std::to_string(kMaxSafetensorsTensors));
    std::set<std::string_view> names;
    for (const auto& t : tensors) {
        if (t.name == "__metadata__")
            throwFileError(file, "a tensor cannot be named \"__metadata__\": that key holds the file's metadata");
        if (!names.insert(t.name).second)
            throwFileError(file, "tensor " + quoteName(t.name) + " is given twice; tensor names must be unique");
        for (int64_t dim : t.shape) {
            if (dim < 0)
                throwFileError(file, "tensor " + quoteName(t.name) + " has the negative dimension " +
                                         std::to_string(dim));
        }
        const auto bytes = safetensors_detail::tensorByteSize(t.shape, t.dtype);
        if (!bytes)
            throwFileError(file, "tensor " + quoteName(t.name) + " has a shape whose size overflows 64 bits");
        if (*bytes != t.data.size())
            throwFileError(file, "tensor " + quoteName(t.name) + " has " + std::to_string(t.data.size()) +
                                     " bytes of data, which does not match its shape and dtype " +
                                     dtypeName(t.dtype) + " (" + std::to_string(*bytes) + " bytes)");
    }
}

}  // namespace

void writeSafetensors(const std::filesystem::path& file, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    // Everything is checked before the temporary file exists, so a bad call leaves no trace on disk.
    validate(file, tensors);
    const std::string header = buildHeader(file, tensors, metadata);
    if (header.size() > kMaxSafetensorsHeaderBytes)
        throwFileError(file, "the header would be " + std::to_string(header.size()) +
                                 " bytes, over the limit readers accept");

    writeFileAtomically(file, [&](const ByteSink& sink) {
        std::byte length[8];
        uint64_t n = header.size();
        for (auto& b : length) {
            b = static_cast<std::byte>(n & 0xff);
            n >>= 8;
        }
        sink(length);
        sink(std::as_bytes(std::span(header.data(), header.size())));
        for (const auto& t : tensors)
            sink(t.data);
    });
}

}  // namespace lora
