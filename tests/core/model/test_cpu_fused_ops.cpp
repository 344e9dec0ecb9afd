// The fused CPU kernels (model/cpu_fused_ops.h) against the composite ATen forms they replace, written here as
// transformers writes them: same outputs and the same gradients through autograd, for rows whose length is and
// is not a multiple of the kernels' 8 lanes, for q/k as the transposed views attention hands them over, and for
// gradients that arrive non-contiguous. The modules fall back to the composite form for anything but fp32 CPU.
#include "model/cpu_fused_ops.h"
#include "model/norms.h"
#include "model/rotary.h"

#include <QtTest/QtTest>

namespace {

torch::Tensor compositeRmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps)
{
    return weight * (x * torch::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true) + eps));
}

torch::Tensor compositeRotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
{
    const int64_t half = x.size(-1) / 2;
    return x * cos + torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1) * sin;
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Runs f on fresh leaf copies of inputs, backpropagates `upstream`, returns the output and every input's gradient.
template <typename F>
std::vector<torch::Tensor> outputAndGrads(F f, const std::vector<torch::Tensor>& inputs, const torch::Tensor& upstream)
{
    std::vector<torch::Tensor> leaves;
    for (const auto& t : inputs)
        leaves.push_back(t.detach().clone().requires_grad_(true));
    const auto y = f(leaves);
    y.backward(upstream);
    std::vector<torch::Tensor> out{y.detach()};
    for (const auto& leaf : leaves)
        out.push_back(leaf.grad());
    return out;
}

void verifyClose(const std::vector<torch::Tensor>& got, const std::vector<torch::Tensor>& want, double tolerance)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].sizes(), want[i].sizes());
        const double d = maxDiff(got[i], want[i]);
        QVERIFY2(d <= tolerance, qPrintable(QString("tensor %1 (0 = output, then gradients): max |diff| %2")
                                               .arg(i)
                                               .arg(d)));
    }
}

}  // namespace

class TestCpuFusedOps final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { torch::manual_seed(3); }

    void rmsNormMatchesComposite_data()
    {
        QTest::addColumn<int>("width");
        QTest::newRow("576 wide (SmolLM)") << 576;
        QTest::newRow("13 wide: a scalar tail after one block of lanes") << 13;
        QTest::newRow("5 wide: no full block") << 5;
    }

    void rmsNormMatchesComposite()
    {
        QFETCH(int, width);
        const auto x = torch::randn({3, 7, width}) * 2;
        const auto weight = torch::rand({width}) + 0.5;
        const auto upstream = torch::randn({3, 7, width});
        const double eps = 1e-5;
        const auto want = outputAndGrads(
            [&](const auto& in) { return compositeRmsNorm(in[0], in[1], eps); }, {x, weight}, upstream);
        const auto got = outputAndGrads(
            [&](const auto& in) { return lora::model::fused::rmsNorm(in[0], in[1], eps); }, {x, weight}, upstream);
        verifyClose(got, want, 1e-5);
    }

    void rmsNormWithAFrozenWeightGivesOnlyTheInputGradient()
    {
        const auto x = torch::randn({4, 32}).requires_grad_(true);
        const auto weight = torch::rand({32});
        lora::model::fused::rmsNorm(x, weight, 1e-6).sum().backward();
        QVERIFY(x.grad().defined());
        QVERIFY(!weight.requires_grad());
        const auto leaf = x.detach().clone().requires_grad_(true);
        compositeRmsNorm(leaf, weight, 1e-6).sum().backward();
        QVERIFY(maxDiff(x.grad(), leaf.grad()) <= 1e-5);
    }

    void rotaryMatchesCompositeOnTransposedViews_data()
    {
        QTest::addColumn<int>("headDim");
        QTest::newRow("head dim 64") << 64;
        QTest::newRow("head dim 6: halves of 3, all tail") << 6;
        QTest::newRow("head dim 20: a block and a tail per half") << 20;
    }

    void rotaryMatchesCompositeOnTransposedViews()
    {
        QFETCH(int, headDim);
        const int64_t b = 2, t = 5, h = 3;
        lora::model::RopeConfig rope;
        const lora::model::RotaryEmbedding rotary(headDim, rope);
        const auto [cos, sin] = rotary.tables(torch::arange(4, 4 + t), torch::kFloat32);
        // As attention makes q: a projection's [B, T, H·D] output viewed [B, T, H, D] and transposed to [B, H, T, D].
        const auto q = torch::randn({b, t, h * headDim}).view({b, t, h, headDim}).transpose(1, 2);
        QVERIFY(!q.is_contiguous());
        // An upstream gradient laid out like SDPA's: also a transposed view.
        const auto upstream = torch::randn({b, t, h, headDim}).transpose(1, 2);
        const auto asView = [&](const torch::Tensor& leaf) {
            return leaf.view({b, t, h, headDim}).transpose(1, 2);
        };
        const auto flat = q.transpose(1, 2).reshape({b, t, h * headDim});
        const auto want = outputAndGrads(
            [&](const auto& in) { return compositeRotary(asView(in[0]), cos, sin); }, {flat}, upstream);
        const auto got = outputAndGrads(
            [&](const auto& in) { return lora::model::fused::applyRotary(asView(in[0]), cos, sin); }, {flat}, upstream);
        verifyClose(got, want, 1e-6);
        // The module-level entry point takes the same path.
        QVERIFY(maxDiff(lora::model::applyRotary(q, cos, sin), compositeRotary(q, cos, sin)) <= 1e-6);
    }

    void swigluMatchesComposite()
    {
        const auto gate = torch::randn({2, 9, 37}) * 3;
        const auto up = torch::randn({2, 9, 37});
        const auto upstream = torch::randn({2, 9, 37});
        const auto want = outputAndGrads(
            [](const auto& in) { return torch::silu(in[0]) * in[1]; }, {gate, up}, upstream);
        const auto got = outputAndGrads(
            [](const auto& in) { return lora::model::fused::swiglu(in[0], in[1]); }, {gate, up}, upstream);
        verifyClose(got, want, 1e-5);
    }

    void swigluTakesANonContiguousUpstreamGradient()
    {
        const auto gate = torch::randn({6, 10});
        const auto up = torch::randn({6, 10});
        const auto upstream = torch::randn({10, 6}).t();
        QVERIFY(!upstream.is_contiguous());
        const auto want = outputAndGrads(
            [](const auto& in) { return torch::silu(in[0]) * in[1]; }, {gate, up}, upstream);
        const auto got = outputAndGrads(
            [](const auto& in) { return lora::model::fused::swiglu(in[0], in[1]); }, {gate, up}, upstream);
        verifyClose(got, want, 1e-5);
    }

    void onlyFp32CpuTensorsTakeTheFusedPath()
    {
        QVERIFY(lora::model::fused::takesFusedCpu(torch::randn({2, 3})));
        QVERIFY(!lora::model::fused::takesFusedCpu(torch::randn({2, 3}, torch::kFloat64)));
        QVERIFY(!lora::model::fused::takesFusedCpu(torch::randn({2, 3}, torch::kBFloat16)));
        QVERIFY(!lora::model::fused::takesFusedCpu(torch::randn({3, 2}).t()));
        QVERIFY(!lora::model::fused::takesFusedCpu(torch::Tensor()));
        QVERIFY(!lora::model::fused::takesFusedCpu(torch::empty({0, 4})));
        // A bf16 model keeps transformers' composite norm: normalised in fp32, cast back, then the weight.
        lora::model::RMSNorm norm(16, 1e-6, torch::TensorOptions().dtype(torch::kBFloat16));
        norm->weight.data().fill_(1.5);
        const auto x = torch::randn({2, 16}).to(torch::kBFloat16);
        const auto h = x.to(torch::kFloat32);
        const auto want = 1.5 * (h * torch::rsqrt(h.pow(2).mean(-1, true) + 1e-6)).to(torch::kBFloat16);
        QCOMPARE(maxDiff(norm->forward(x).to(torch::kFloat32), want.to(torch::kFloat32)), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestCpuFusedOps)
#include "test_cpu_fused_ops.moc"
