#include "engine/tensor_io.h"

#include "lora/error.h"

#include <cstring>

namespace lora {

torch::ScalarType torchDtype(DType dtype)
{
    switch (dtype) {
    case DType::F64: return torch::kFloat64;
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::Bool: return torch::kBool;
    }
    throw Error("unsupported dtype");
}

DType safetensorsDtype(torch::ScalarType dtype)
{
    switch (dtype) {
    case torch::kFloat64: return DType::F64;
    case torch::kFloat32: return DType::F32;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::Bool;
    default: throw Error(std::string("tensors of dtype ") + c10::toString(dtype) + " cannot be saved as safetensors");
    }
}

torch::Tensor readTensor(const SafetensorsFile& file, const TensorInfo& info)
{
    auto tensor = torch::empty(info.shape, torch::TensorOptions().dtype(torchDtype(info.dtype)));
    const auto bytes = file.bytes(info);
    if (!bytes.empty())
        std::memcpy(tensor.data_ptr(), bytes.data(), bytes.size());  // memcpy: the map need not be aligned
    return tensor;
}

std::map<std::string, torch::Tensor> readAllTensors(const std::filesystem::path& path)
{
    const auto file = SafetensorsFile::open(path);
    std::map<std::string, torch::Tensor> out;
    for (const auto& info : file->tensors())
        out.emplace(info.name, readTensor(*file, info));
    return out;
}

void writeTensors(const std::filesystem::path& file, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata)
{
    std::vector<torch::Tensor> cpu;  // keeps the bytes alive while writing
    std::vector<TensorToWrite> items;
    cpu.reserve(tensors.size());
    for (const auto& [name, tensor] : tensors) {
        cpu.push_back(tensor.detach().to(torch::kCPU).contiguous());
        const auto& t = cpu.back();
        items.push_back({name, safetensorsDtype(t.scalar_type()), t.sizes().vec(),
                         std::span(static_cast<const std::byte*>(t.data_ptr()), t.nbytes())});
    }
    writeSafetensors(file, items, metadata);
}

}  // namespace lora
