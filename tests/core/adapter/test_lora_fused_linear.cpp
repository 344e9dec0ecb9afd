// The fused LoRA layer (adapter/lora_fused_linear.h) against the composite form autograd builds from the same
// products: base(x) + s·(x·Aᵀ)·Bᵀ. Same output and the same gradients for x, A and B, for nn.Linear's [out, in]
// weight and GPT-2's Conv1D [in, out], with and without a bias, and with an input that needs no gradient (the
// first block's projections); the frozen base gets none.
#include "adapter/lora_fused_linear.h"

#include <QtTest/QtTest>

namespace {

struct Layer {
    torch::Tensor weight, bias, A, B;
    bool fanInFanOut;
};

torch::Tensor composite(const torch::Tensor& x, const Layer& l, double s)
{
    const auto base = l.fanInFanOut ? torch::matmul(x, l.weight) : torch::matmul(x, l.weight.t());
    const auto withBias = l.bias.defined() ? base + l.bias : base;
    return withBias + torch::matmul(torch::matmul(x, l.A.t()), l.B.t()) * s;
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
        QTest::newRow("Linear, no bias") << false << false << true;
        QTest::newRow("Linear with bias") << false << true << true;
        QTest::newRow("Conv1D with bias") << true << true << true;
        QTest::newRow("input without gradient (the first block)") << false << false << false;
    }

    void matchesTheCompositeLayer()
    {
        QFETCH(bool, fanInFanOut);
        QFETCH(bool, withBias);
        QFETCH(bool, inputNeedsGrad);
        torch::manual_seed(11);
        const int64_t in = 24, out = 40, r = 4;
        const double s = 2.0;
        Layer l{fanInFanOut ? torch::randn({in, out}) : torch::randn({out, in}),
                withBias ? torch::randn({out}) : torch::Tensor(), torch::randn({r, in}).requires_grad_(true),
                torch::randn({out, r}).requires_grad_(true), fanInFanOut};
        const auto x = torch::randn({3, 5, in});
        const auto upstream = torch::randn({3, 5, out});

        const auto x1 = x.clone().requires_grad_(inputNeedsGrad);
        const auto want = composite(x1, l, s);
        want.backward(upstream);
        const auto wantA = l.A.grad().clone(), wantB = l.B.grad().clone();
        l.A.mutable_grad().reset();
        l.B.mutable_grad().reset();

        const auto x2 = x.clone().requires_grad_(inputNeedsGrad);
        const auto got = lora::adapter::fusedLoraLinear(x2, l.weight, l.bias, fanInFanOut, l.A, l.B, s);
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
