#include "model/cpu_fused_ops.h"

#include "model/cpu_lanes.h"

#include <ATen/Parallel.h>

namespace lora::model::fused {
namespace {

// Elements per parallel task.
constexpr int64_t kGrain = 16384;

// In place over h, which holds sigmoid(g) on entry: h = (g·sigmoid(g))·u.
LORA_ROW_KERNEL void gateForward(float* __restrict h, const float* __restrict g, const float* __restrict u, int64_t n)
{
    forEachLane(n, [=](int64_t j) { h[j] = (g[j] * h[j]) * u[j]; });
}

// In place over dg, which holds s = sigmoid(g) on entry: du = dh·g·s and dg = dh·u·s·(1 + g·(1 − s)), the
// latter rounded in the order of the composite's mul backward and then ATen's silu_backward.
LORA_ROW_KERNEL void gateBackward(float* __restrict dg, float* __restrict du, const float* __restrict dh, const float* __restrict g,
                  const float* __restrict u, int64_t n)
{
    forEachLane(n, [=](int64_t j) {
        const float s = dg[j];
        du[j] = dh[j] * (g[j] * s);
        dg[j] = ((dh[j] * u[j]) * s) * (1.0f + g[j] * (1.0f - s));
    });
}

class SwigluFunction : public torch::autograd::Function<SwigluFunction> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& gate,
                                 const torch::Tensor& up)
    {
        // ATen's vectorised sigmoid writes into the output, which the loop then turns into the product: no
        // temporary the size of the activation.
        auto h = torch::sigmoid(gate);
        const float* gp = gate.data_ptr<float>();
        const float* upp = up.data_ptr<float>();
        float* hp = h.data_ptr<float>();
        at::parallel_for(0, gate.numel(), kGrain, [&](int64_t begin, int64_t end) {
            gateForward(hp + begin, gp + begin, upp + begin, end - begin);
        });
        ctx->save_for_backward({gate, up});
        return h;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto& gate = saved[0];
        const auto& up = saved[1];
        const auto dh = grads[0].contiguous();
        auto dg = torch::sigmoid(gate);
        auto du = torch::empty_like(up);
        float* dgp = dg.data_ptr<float>();
        float* dup = du.data_ptr<float>();
        const float* hp = dh.data_ptr<float>();
        const float* gp = gate.data_ptr<float>();
        const float* upp = up.data_ptr<float>();
        at::parallel_for(0, gate.numel(), kGrain, [&](int64_t begin, int64_t end) {
            gateBackward(dgp + begin, dup + begin, hp + begin, gp + begin, upp + begin, end - begin);
        });
        return {dg, du};
    }
};

}  // namespace

torch::Tensor swiglu(const torch::Tensor& gate, const torch::Tensor& up)
{
    return SwigluFunction::apply(gate.contiguous(), up.contiguous());
}

}  // namespace lora::model::fused
