#pragma once
// What a ProcessGroup holds: the rendezvous store and the c10d backend. Only core sees this header.
#include "lora/distributed.h"

#include <torch/torch.h>

#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

namespace lora {

struct ProcessGroup::Impl {
    int rank = 0;
    int worldSize = 1;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::Backend> backend;
    torch::Device device{torch::kCPU};  // where the backend's tensors live: the host for Gloo, the GPU for NCCL

    // Sums a tensor on `device` over every rank, in place, and waits for the result.
    void allReduceSum(torch::Tensor& tensor);
    // True on every rank when `flag` is true on any of them (one collective).
    bool anyRank(bool flag);
};

}  // namespace lora
