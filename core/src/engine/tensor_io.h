#pragma once
// torch tensors <-> safetensors: the one place core converts between the two.
#include "lora/safetensors.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lora {

torch::ScalarType torchDtype(DType dtype);  // throws lora::Error for dtypes torch lacks
DType safetensorsDtype(torch::ScalarType dtype);

// An owned CPU tensor with the file's dtype and shape (copied out of the memory map).
torch::Tensor readTensor(const SafetensorsFile& file, const TensorInfo& info);
// Every tensor of a file, by name.
std::map<std::string, torch::Tensor> readAllTensors(const std::filesystem::path& file);

// Writes atomically; tensors are moved to the CPU and made contiguous, dtypes kept.
void writeTensors(const std::filesystem::path& file, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace lora
