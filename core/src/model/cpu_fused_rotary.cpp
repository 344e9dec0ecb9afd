#include "model/cpu_fused_ops.h"

#include "model/cpu_lanes.h"

#include <ATen/Parallel.h>

namespace lora::model::fused {
namespace {

// One row of D = 2·half: y = x·cos + rotate_half(x)·sin, rotate_half(x) = (−x2, x1).
LORA_ROW_KERNEL void rotateRow(float* __restrict y, const float* __restrict x, const float* __restrict cos,
               const float* __restrict sin, int64_t half)
{
    forEachLane(half, [=](int64_t j) { y[j] = x[j] * cos[j] + (-x[j + half]) * sin[j]; });
    forEachLane(half, [=](int64_t j) { y[half + j] = x[half + j] * cos[half + j] + x[j] * sin[half + j]; });
}

// The transpose: dx = dy·cos + rotate_half⁻¹(dy·sin), rotate_half⁻¹(z) = (z2, −z1).
LORA_ROW_KERNEL void rotateRowBackward(float* __restrict dx, const float* __restrict dy, const float* __restrict cos,
                       const float* __restrict sin, int64_t half)
{
    forEachLane(half, [=](int64_t j) { dx[j] = dy[j] * cos[j] + dy[half + j] * sin[half + j]; });
    forEachLane(half, [=](int64_t j) { dx[half + j] = dy[half + j] * cos[half + j] - dy[j] * sin[j]; });
}

// Rows of [B, H, T, D] addressed through their strides (q and k arrive as transposed views of [B, T, H, D]).
struct Rows {
    int64_t heads, steps;
    int64_t strideB, strideH, strideT;

    explicit Rows(const torch::Tensor& t)
        : heads(t.size(1)), steps(t.size(2)), strideB(t.stride(0)), strideH(t.stride(1)), strideT(t.stride(2))
    {
    }
    int64_t offset(int64_t row) const
    {
        const int64_t t = row % steps, h = (row / steps) % heads, b = row / (steps * heads);
        return b * strideB + h * strideH + t * strideT;
    }
};

constexpr int64_t kRowGrain = 64;

// Applies rowKernel(out row, in row, cos row, sin row, half) to every (b, h, t) row.
template <typename RowKernel>
torch::Tensor rotateAll(const torch::Tensor& in, const torch::Tensor& cos, const torch::Tensor& sin,
                        RowKernel rowKernel)
{
    auto out = torch::empty_like(in);  // same strides as `in` when it is dense, as elementwise ATen ops keep them
    const Rows from(in), to(out);
    const int64_t d = in.size(3), half = d / 2, rows = in.size(0) * from.heads * from.steps;
    const float* ip = in.data_ptr<float>();
    float* op = out.data_ptr<float>();
    const float* cp = cos.data_ptr<float>();
    const float* sp = sin.data_ptr<float>();
    at::parallel_for(0, rows, kRowGrain, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const int64_t t = r % from.steps;
            rowKernel(op + to.offset(r), ip + from.offset(r), cp + t * d, sp + t * d, half);
        }
    });
    return out;
}

class RotaryFunction : public torch::autograd::Function<RotaryFunction> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& cos, const torch::Tensor& sin)
    {
        ctx->save_for_backward({cos, sin});
        return rotateAll(x, cos, sin, rotateRow);
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        auto dy = grads[0];
        if (dy.stride(-1) != 1)
            dy = dy.contiguous();
        return {rotateAll(dy, saved[0], saved[1], rotateRowBackward), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
{
    return RotaryFunction::apply(x, cos.contiguous(), sin.contiguous());
}

}  // namespace lora::model::fused
