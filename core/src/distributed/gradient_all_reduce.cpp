#include "distributed/gradient_all_reduce.h"

namespace lora::train {

double allReduceGradients(ProcessGroup::Impl& group, const std::vector<torch::Tensor>& params, double localLossSum)
{
    std::vector<torch::Tensor> pieces;
    pieces.reserve(params.size() + 1);
    const auto cpuFloat = torch::TensorOptions().dtype(torch::kFloat32).device(torch::kCPU);
    for (const auto& p : params)
        pieces.push_back(p.grad().defined() ? p.grad().detach().reshape(-1).to(cpuFloat)
                                            : torch::zeros({p.numel()}, cpuFloat));
    pieces.push_back(torch::full({1}, localLossSum, cpuFloat));
    auto flat = torch::cat(pieces);  // Gloo reduces host memory; a CUDA run copies its gradients here and back
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
