#pragma once
// LoRA dropout for the fused CPU LoRA layer (adapter/lora_fused_linear.h). torch::dropout on the CPU draws every
// element through bernoulli_ one at a time: 15% of a SmolLM-shaped LoRA step at p = 0.05. Here one 64-bit draw from
// LibTorch's default CPU generator keys a counter-based hash, and each element's keep bit is a function of that key
// and its position alone: vectorised, split across threads, the same mask for any thread count, and still covered
// by the generator state a checkpoint saves (one draw per mask, so a resumed run draws the same masks).
#include <torch/torch.h>

#include <cstdint>

namespace lora::adapter {

struct DroppedInput {
    torch::Tensor dropped;  // x · keep / (1 − p)
    torch::Tensor keep;     // bool, like x: each element kept with probability 1 − p (to 2⁻³² resolution)
};

// x [rows, n] contiguous fp32, 0 < p < 1. Draws the mask's key from the default CPU generator.
DroppedInput dropoutWithFreshMask(const torch::Tensor& x, double p);
// Backward's uses of a kept mask: x · keep / (1 − p), and dst += src · keep / (1 − p).
torch::Tensor applyKeepMask(const torch::Tensor& x, const torch::Tensor& keep, double p);
void addWithKeepMask(torch::Tensor& dst, const torch::Tensor& src, const torch::Tensor& keep, double p);

}  // namespace lora::adapter
