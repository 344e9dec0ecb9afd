#include "distributed/gradient_all_reduce.h"

namespace lora::train {

double allReduceGradients(ProcessGroup::Impl& group, const std::vector<torch::Tensor>& params, double localLossSum)
{
    std::vector<torch::Tensor> pieces;
    pieces.reserve(params.size() + 1);
    // Gloo reduces host memory, so a CUDA run without NCCL copies its gradients there and back; NCCL reduces them
    // where they are.
    const auto collective = torch::TensorOptions().dtype(torch::kFloat32).device(group.device);
    for (const auto& p : params)
        pieces.push_back(p.grad().defined() ? p.grad().detach().reshape(-1).to(collective)
                                            : torch::zeros({p.numel()}, collective));
    pieces.push_back(torch::full({1}, localLossSum, collective));
    auto flat = torch::cat(pieces);
    group.allReduceSum(flat);

    int64_t offset = 0;
    for (const auto& p : params) {
        const auto summed = flat.narrow(0, offset, p.numel()).view(p.sizes()).to(p.options());
        offset += p.numel();
        if (p.grad().defined())
            p.mutable_grad().copy_(summed);
        else
            p.mutable_grad() = summed.clone();
    }
    return flat[offset].item<double>();
}

}  // namespace lora::train
