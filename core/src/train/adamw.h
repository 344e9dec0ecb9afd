#pragma once
// AdamW with torch.optim.AdamW's exact arithmetic (torch/optim/adam.py, _single_tensor_adam with
// decoupled_weight_decay, the path Python takes on the CPU), so a run here and a PEFT run in Python take the
// same steps. LibTorch's torch::optim::AdamW computes the same update but forms exp_avg as
// exp_avg*beta1 + grad*(1-beta1) instead of Python's exp_avg.lerp_(grad, 1-beta1), which rounds differently;
// its state is also keyed by tensor addresses, which a checkpoint cannot name. Here the state is plain,
// named tensors.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lora::train {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weightDecay = 0.01;
};

struct AdamWParamState {
    int64_t step = 0;
    torch::Tensor expAvg;    // like the parameter; created on its first step, as Python does
    torch::Tensor expAvgSq;
};

class AdamW {
public:
    AdamW(std::vector<torch::Tensor> params, AdamWOptions options);

    // One update of every parameter that has a gradient, with this step's learning rate.
    void step(double learningRate);
    void zeroGrad();  // sets gradients to None, as optimizer.zero_grad() does by default

    const std::vector<torch::Tensor>& params() const { return params_; }
    std::vector<AdamWParamState>& state() { return state_; }
    const std::vector<AdamWParamState>& state() const { return state_; }

private:
    std::vector<torch::Tensor> params_;
    std::vector<AdamWParamState> state_;
    AdamWOptions options_;
};

}  // namespace lora::train
