// The fused LoRA layer's dropout mask (adapter/lora_dropout_mask.h): it keeps each element with probability 1 − p,
// with no visible dependence between neighbours in a row or a column; the same generator state gives the same mask
// whatever the thread count, and the next draw another; kept elements are scaled by 1/(1 − p); backward's two uses
// of a kept mask agree with the forward one; and operands the kernels cannot take are refused.
#include "adapter/lora_dropout_mask.h"

#include <ATen/Parallel.h>
#include <QtTest/QtTest>

#include <cmath>

using lora::adapter::addWithKeepMask;
using lora::adapter::applyKeepMask;
using lora::adapter::dropoutWithFreshMask;

namespace {

// |observed − expected| within `sigmas` standard deviations of a binomial count over n trials.
bool withinBinomial(double observed, double n, double probability, double sigmas = 6.0)
{
    return std::abs(observed - n * probability) <= sigmas * std::sqrt(n * probability * (1.0 - probability));
}

double count(const torch::Tensor& keep) { return keep.to(torch::kFloat64).sum().item<double>(); }

}  // namespace

class TestLoraDropoutMask final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keepsEachElementWithProbabilityOneMinusP_data()
    {
        QTest::addColumn<double>("p");
        QTest::newRow("0.05 (the GUI's default)") << 0.05;
        QTest::newRow("0.1") << 0.1;
        QTest::newRow("0.5") << 0.5;
        QTest::newRow("0.9") << 0.9;
    }

    void keepsEachElementWithProbabilityOneMinusP()
    {
        QFETCH(double, p);
        torch::manual_seed(5);
        const int64_t rows = 1024, cols = 576;  // a SmolLM-shaped batch of 4 x 256 tokens
        const auto keep = dropoutWithFreshMask(torch::ones({rows, cols}), p).keep;
        QCOMPARE(keep.scalar_type(), torch::kBool);
        QCOMPARE(keep.sizes(), (std::vector<int64_t>{rows, cols}));
        const double n = static_cast<double>(rows * cols), q = 1.0 - p;
        QVERIFY2(withinBinomial(count(keep), n, q), qPrintable(QString::number(count(keep) / n)));
        // Neighbours along a row and down a column are kept together as often as independent draws would be.
        const auto along = keep.narrow(1, 0, cols - 1).logical_and(keep.narrow(1, 1, cols - 1));
        const auto down = keep.narrow(0, 0, rows - 1).logical_and(keep.narrow(0, 1, rows - 1));
        QVERIFY2(withinBinomial(count(along), static_cast<double>(along.numel()), q * q), "row neighbours");
        QVERIFY2(withinBinomial(count(down), static_cast<double>(down.numel()), q * q), "column neighbours");
        // Every column and every row is dropped at the same rate: no position is favoured.
        const auto perColumn = keep.to(torch::kFloat64).mean(0);
        const double columnSpread = std::sqrt(q * (1.0 - q) / rows);
        QVERIFY2((perColumn - q).abs().max().item<double>() <= 6.0 * columnSpread, "a column's rate");
        const auto perRow = keep.to(torch::kFloat64).mean(1);
        const double rowSpread = std::sqrt(q * (1.0 - q) / cols);
        QVERIFY2((perRow - q).abs().max().item<double>() <= 6.0 * rowSpread, "a row's rate");
    }

    void sameGeneratorStateSameMaskForAnyThreadCount()
    {
        const auto x = torch::randn({300, 77});
        const int threads = at::get_num_threads();
        torch::manual_seed(9);
        const auto first = dropoutWithFreshMask(x, 0.3).keep;
        const auto second = dropoutWithFreshMask(x, 0.3).keep;
        at::set_num_threads(1);
        torch::manual_seed(9);
        const auto oneThread = dropoutWithFreshMask(x, 0.3).keep;
        at::set_num_threads(threads);
        QVERIFY(torch::equal(first, oneThread));
        QVERIFY(!torch::equal(first, second));  // the draw advanced the generator
    }

    void keptElementsAreScaledAndBackwardAgrees()
    {
        torch::manual_seed(2);
        const double p = 0.2;
        const auto x = torch::randn({64, 40});
        const auto [dropped, keep] = dropoutWithFreshMask(x, p);
        const auto expected = x * keep.to(torch::kFloat32) / (1.0 - p);
        QVERIFY(torch::allclose(dropped, expected, 0.0, 1e-6));
        QVERIFY(torch::equal(applyKeepMask(x, keep, p), dropped));
        auto dst = torch::randn({64, 40});
        const auto before = dst.clone();
        const auto src = torch::randn({64, 40});
        addWithKeepMask(dst, src, keep, p);
        QVERIFY(torch::allclose(dst, before + applyKeepMask(src, keep, p), 0.0, 1e-6));
    }

    void refusesOperandsItCannotTake()
    {
        const auto x = torch::randn({8, 6});
        QVERIFY_THROWS_EXCEPTION(c10::Error, dropoutWithFreshMask(x, 0.0));
        QVERIFY_THROWS_EXCEPTION(c10::Error, dropoutWithFreshMask(x, 1.0));
        QVERIFY_THROWS_EXCEPTION(c10::Error, dropoutWithFreshMask(x.t(), 0.1));               // not contiguous
        QVERIFY_THROWS_EXCEPTION(c10::Error, dropoutWithFreshMask(x.to(torch::kFloat64), 0.1));  // not fp32
        QVERIFY_THROWS_EXCEPTION(c10::Error, dropoutWithFreshMask(x.view({2, 4, 6}), 0.1));   // not 2-D
        QVERIFY_THROWS_EXCEPTION(c10::Error, applyKeepMask(x, torch::ones({8, 6}), 0.1));     // mask not bool
        QVERIFY_THROWS_EXCEPTION(c10::Error, applyKeepMask(x, torch::ones({8, 5}, torch::kBool), 0.1));  // sizes
        auto dst = torch::zeros({8, 6});
        const auto keep = torch::ones({8, 6}, torch::kBool);
        QVERIFY_THROWS_EXCEPTION(c10::Error, addWithKeepMask(dst, torch::ones({4, 6}), keep, 0.1));  // src sizes
    }
};

QTEST_GUILESS_MAIN(TestLoraDropoutMask)
#include "test_lora_dropout_mask.moc"
