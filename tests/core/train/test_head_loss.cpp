// The chunked causal-LM head loss against the plain path it replaces: logits = hidden · Wᵀ, cross_entropy over the
// shifted labels (ignored positions left out), autograd for dL/dhidden. Same summed loss and the same gradient,
// with every position counted, with padding, and with more rows than one chunk holds.
#include "train/head_loss.h"

#include "lora/dataset.h"

#include <QtTest/QtTest>

namespace {

struct Plain {
    double summed;
    torch::Tensor hiddenGrad;
};

Plain plain(const torch::Tensor& hidden, const torch::Tensor& weight, const torch::Tensor& labels, double scale)
{
    const auto h = hidden.clone().requires_grad_(true);
    const int64_t t = h.size(1);
    const auto logits = torch::matmul(h, weight.t()).narrow(1, 0, t - 1).reshape({-1, weight.size(0)});
    const auto targets = labels.narrow(1, 1, t - 1).reshape({-1});
    const auto loss = torch::nn::functional::cross_entropy(
        logits, targets,
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(lora::kIgnoreIndex).reduction(torch::kSum));
    (loss * scale).backward();
    return {loss.item<double>(), h.grad()};
}

}  // namespace

class TestHeadLoss final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesCrossEntropyAndAutograd_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("seq");
        QTest::addColumn<int>("vocab");
        QTest::addColumn<bool>("padding");
        QTest::newRow("every position counted") << 2 << 9 << 50 << false;
        QTest::newRow("padding and masked prompts") << 3 << 11 << 64 << true;
        // chunks hold 8 M logits: 600,000 words make 13 rows a chunk, so 2 x 40 positions take several chunks
        QTest::newRow("several chunks") << 2 << 41 << 600000 << false;
        QTest::newRow("several chunks with padding") << 2 << 41 << 600000 << true;
    }

    void matchesCrossEntropyAndAutograd()
    {
        QFETCH(int, batch);
        QFETCH(int, seq);
        QFETCH(int, vocab);
        QFETCH(bool, padding);
        torch::manual_seed(7);
        const int64_t width = 16;
        const auto hidden = torch::randn({batch, seq, width});
        const auto weight = torch::randn({vocab, width}) * 0.5;
        auto labels = torch::randint(vocab, {batch, seq}, torch::kInt64);
        if (padding) {
            labels.narrow(1, 0, 3).fill_(lora::kIgnoreIndex);     // a masked prompt
            labels.narrow(1, seq - 2, 2).select(0, 0).fill_(lora::kIgnoreIndex);  // padding at one row's end
        }
        const double scale = 1.0 / 37;
        const auto expected = plain(hidden, weight, labels, scale);
        const auto got = lora::train::causalLmHeadLoss(hidden, weight, labels, scale, /*withGrad=*/true);
        QVERIFY(std::abs(got.summed.item<double>() - expected.summed) <= 1e-5 * std::abs(expected.summed));
        QCOMPARE(got.hiddenGrad.sizes(), hidden.sizes());
        const double gradDiff = (got.hiddenGrad - expected.hiddenGrad).abs().max().item<double>();
        const double gradSize = expected.hiddenGrad.abs().max().item<double>();
        // fp32 sums over up to 600,000 words, in another order than autograd's: ~1e-5 of the largest entry
        QVERIFY2(gradDiff <= 1e-4 * gradSize, qPrintable(QString("max |diff| %1 of %2").arg(gradDiff).arg(gradSize)));
        // The last position predicts nothing: its gradient is zero.
        QCOMPARE(got.hiddenGrad.select(1, seq - 1).abs().max().item<float>(), 0.0f);

        const auto lossOnly = lora::train::causalLmHeadLoss(hidden, weight, labels, scale, /*withGrad=*/false);
        QCOMPARE(lossOnly.summed.item<double>(), got.summed.item<double>());
        QVERIFY(!lossOnly.hiddenGrad.defined());
    }
};

QTEST_GUILESS_MAIN(TestHeadLoss)
#include "test_head_loss.moc"
