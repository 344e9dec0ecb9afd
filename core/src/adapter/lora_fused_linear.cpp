#include "adapter/lora_fused_linear.h"

#include "adapter/lora_dropout_mask.h"

#include <optional>

namespace lora::adapter {
namespace {

class LoraLinearFunction : public torch::autograd::Function<LoraLinearFunction> {
public:
    // x, A and B first: needs_input_grad(i) counts tensor inputs only, so an absent bias shifts none of theirs.
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& A,
                                 const torch::Tensor& B, const torch::Tensor& weight, double scaling, bool fanInFanOut,
                                 double dropout, const std::optional<torch::Tensor>& bias)
    {
        const auto flat = x.reshape({-1, x.size(-1)}).contiguous();
        const auto weightInOut = fanInFanOut ? weight : weight.t();  // [in, out]
        auto y = bias ? torch::addmm(*bias, flat, weightInOut) : torch::mm(flat, weightInOut);
        torch::Tensor keep;  // [tokens, in] bool: one byte where the composite form keeps two floats
        torch::Tensor down;  // [tokens, r]: B·A is never formed
        if (dropout > 0.0) {
            const auto masked = dropoutWithFreshMask(flat, dropout);
            keep = masked.keep;
            down = torch::mm(masked.dropped, A.t());
        } else {
            down = torch::mm(flat, A.t());
        }
        y.addmm_(down, B.t(), 1.0, scaling);
        ctx->save_for_backward({flat, down, weight, A, B, keep});
        ctx->saved_data["scaling"] = scaling;
        ctx->saved_data["fanInFanOut"] = fanInFanOut;
        ctx->saved_data["dropout"] = dropout;
        auto shape = x.sizes().vec();
        shape.back() = y.size(1);
        return y.view(shape);
    }

    // With g = dL/dy [tokens, out], d = s·g·B [tokens, r], the dropout mask m and x̃ = x·m/(1 − p):
    //   dL/dB = s·gᵀ·down,  dL/dA = dᵀ·x̃,  dL/dx = g·W (in [out, in] layout) + (d·A)·m/(1 − p).
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto& flat = saved[0];
        const auto& down = saved[1];
        const auto& weight = saved[2];
        const auto& A = saved[3];
        const auto& B = saved[4];
        const auto& keep = saved[5];
        const double scaling = ctx->saved_data["scaling"].toDouble();
        const bool fanInFanOut = ctx->saved_data["fanInFanOut"].toBool();
        const double dropout = ctx->saved_data["dropout"].toDouble();
        const auto g = grads[0].reshape({-1, B.size(0)});
        const auto d = torch::mm(g, B).mul_(scaling);
        torch::Tensor dx, dA, dB;
        if (ctx->needs_input_grad(1))
            dA = torch::mm(d.t(), keep.defined() ? applyKeepMask(flat, keep, dropout) : flat);
        if (ctx->needs_input_grad(2))
            dB = torch::mm(g.t(), down).mul_(scaling);
        if (ctx->needs_input_grad(0)) {
            dx = torch::mm(g, fanInFanOut ? weight.t() : weight);
            if (keep.defined())
                addWithKeepMask(dx, torch::mm(d, A), keep, dropout);
            else
                dx.addmm_(d, A);  // the branch's share lands in the base's buffer through the GEMM itself
            auto shape = grads[0].sizes().vec();
            shape.back() = flat.size(1);
            dx = dx.view(shape);
        }
        return {dx, dA, dB, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor fusedLoraLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                              bool fanInFanOut, const torch::Tensor& A, const torch::Tensor& B, double scaling,
                              double dropout)
{
    // The frozen bias goes as a plain argument: Function::apply takes no undefined tensor among its inputs.
    const auto frozenBias = bias.defined() ? std::optional<torch::Tensor>(bias) : std::nullopt;
    return LoraLinearFunction::apply(x, A, B, weight, scaling, fanInFanOut, dropout, frozenBias);
}

}  // namespace lora::adapter
