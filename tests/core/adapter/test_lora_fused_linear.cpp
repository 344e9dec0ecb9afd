// The fused LoRA layer (adapter/lora_fused_linear.h) against the composite form autograd builds from the same
// products: base(x) + s·(dropout(x)·Aᵀ)·Bᵀ. Same output and the same gradients for x, A and B, for nn.Linear's
// [out, in] weight and GPT-2's Conv1D [in, out], with and without a bias, with an input that needs no gradient
// (the first block's projections), and with dropout (on a contiguous input and on a transposed view: the composite
// form applies the mask the fused layer draws from the same generator state); the frozen base gets none.
#include "adapter/lora_dropout_mask.h"
#include "adapter/lora_fused_linear.h"

#include <QtTest/QtTest>

namespace {

struct Layer {
    torch::Tensor weight, bias, A, B;
    bool fanInFanOut;
};

// keep: the fused layer's mask as [tokens, in] bool, or undefined for no dropout.
torch::Tensor composite(const torch::Tensor& x, const Layer& l, double s, const torch::Tensor& keep, double p)
{
    const auto base = l.fanInFanOut ? torch::matmul(x, l.weight) : torch::matmul(x, l.weight.t());
    const auto withBias = l.bias.defined() ? base + l.bias : base;
    const auto dropped = keep.defined() ? x * keep.view(x.sizes()).to(torch::kFloat32) / (1.0 - p) : x;
    return withBias + torch::matmul(torch::matmul(dropped, l.A.t()), l.B.t()) * s;
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

class TestLoraFusedLinear final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesTheCompositeLayer_data()
    {
        QTest::addColumn<bool>("fanInFanOut");
        QTest::addColumn<bool>("withBias");
        QTest::addColumn<bool>("inputNeedsGrad");
        QTest::addColumn<double>("dropout");
        QTest::addColumn<bool>("transposedInput");
        QTest::newRow("Linear, no bias") << false << false << true << 0.0 << false;
        QTest::newRow("Linear with bias") << false << true << true << 0.0 << false;
        QTest::newRow("Conv1D with bias") << true << true << true << 0.0 << false;
        QTest::newRow("input without gradient (the first block)") << false << false << false << 0.0 << false;
        QTest::newRow("dropout 0.3") << false << false << true << 0.3 << false;
        QTest::newRow("Conv1D, dropout 0.05") << true << true << true << 0.05 << false;
        QTest::newRow("dropout, input without gradient") << false << true << false << 0.5 << false;
        QTest::newRow("dropout on a transposed view") << false << false << true << 0.3 << true;
    }

    void matchesTheCompositeLayer()
    {
        QFETCH(bool, fanInFanOut);
        QFETCH(bool, withBias);
        QFETCH(bool, inputNeedsGrad);
        QFETCH(double, dropout);
        QFETCH(bool, transposedInput);
        torch::manual_seed(11);
        const int64_t in = 24, out = 40, r = 4;
        const double s = 2.0;
        Layer l{fanInFanOut ? torch::randn({in, out}) : torch::randn({out, in}),
                withBias ? torch::randn({out}) : torch::Tensor(), torch::randn({r, in}).requires_grad_(true),
                torch::randn({out, r}).requires_grad_(true), fanInFanOut};
        const auto x = transposedInput ? torch::randn({5, 3, in}).transpose(0, 1) : torch::randn({3, 5, in});
        const auto upstream = torch::randn({3, 5, out});

        // Leaves with x's strides, so each path sees the input layout the row names.
        const auto x1 = x.detach().clone(torch::MemoryFormat::Preserve).requires_grad_(inputNeedsGrad);
        const auto x2 = x.detach().clone(torch::MemoryFormat::Preserve).requires_grad_(inputNeedsGrad);
        QCOMPARE(x1.is_contiguous(), !transposedInput);
        // The mask the fused layer will draw: the same generator state, the same key.
        torch::manual_seed(23);
        const auto keep = dropout > 0.0
                              ? lora::adapter::dropoutWithFreshMask(x.reshape({-1, in}).contiguous(), dropout).keep
                              : torch::Tensor();
        const auto want = composite(x1, l, s, keep, dropout);
        want.backward(upstream);
        const auto wantA = l.A.grad().clone(), wantB = l.B.grad().clone();
        l.A.mutable_grad().reset();
        l.B.mutable_grad().reset();

        torch::manual_seed(23);
        const auto got = lora::adapter::fusedLoraLinear(x2, l.weight, l.bias, fanInFanOut, l.A, l.B, s, dropout);
        got.backward(upstream);

        QCOMPARE(got.sizes(), want.sizes());
        QVERIFY(maxDiff(got, want) <= 1e-4);
        QVERIFY2(maxDiff(l.A.grad(), wantA) <= 1e-3, "dL/dA");
        QVERIFY2(maxDiff(l.B.grad(), wantB) <= 1e-3, "dL/dB");
        QCOMPARE(x2.grad().defined(), inputNeedsGrad);
        if (inputNeedsGrad)
            QVERIFY2(maxDiff(x2.grad(), x1.grad()) <= 1e-4, "dL/dx");
        QVERIFY(!l.weight.grad().defined());
    }
};

QTEST_GUILESS_MAIN(TestLoraFusedLinear)
#include "test_lora_fused_linear.moc"
