#pragma once
// NCCL, c10d's backend for CUDA tensors: compiled only where the LibTorch is CUDA-enabled and nccl.h was found
// (core/CMakeLists.txt defines LORA_WITH_NCCL then). Its own file because ProcessGroupNCCL.hpp needs the CUDA and
// NCCL headers, which the Gloo side must not.
#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>

namespace lora {

// A backend whose collectives run on GPU `cudaDevice`, which becomes this thread's current device (NCCL binds its
// communicator to it). Communicators are created at the first collective, when every rank calls it.
c10::intrusive_ptr<c10d::Backend> makeNcclBackend(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                  int worldSize, int cudaDevice, std::chrono::milliseconds timeout);

}  // namespace lora
