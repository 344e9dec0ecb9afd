#pragma once
// PiSSA initialisation (peft/tuners/lora/layer.py pissa_init): the principal singular components of W become
// the adapter and W is replaced by the residual, so the adapted model starts exactly where the base was.
#include <torch/torch.h>

#include <utility>

namespace lora::model {
class LinearImpl;
}

namespace lora::adapter {

// SVD of W (float32, [out, in] layout): W = U·S·Vh. With Sr = S[:r] / scaling,
//   A = diag(√Sr)·Vh[:r]  [r, in],   B = U[:, :r]·diag(√Sr)  [out, r],
// and base.weight becomes W − scaling·B·A in its own dtype and layout. Returns (A, B) in float32.
std::pair<torch::Tensor, torch::Tensor> pissaInit(model::LinearImpl& base, int rank, double scaling);

}  // namespace lora::adapter
