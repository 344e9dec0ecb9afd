// Token statistics: counts, loss tokens after the label shift, lengths, histogram and truncation.
#include <QtTest/QtTest>

#include <numeric>

#include "lora/dataset.h"

using lora::Example;

namespace {

Example withLength(size_t length, size_t maskedPrefix = 0, bool truncated = false)
{
    Example ex;
    ex.inputIds.assign(length, 1);
    ex.labels.assign(length, 1);
    std::fill_n(ex.labels.begin(), std::min(maskedPrefix, length), -100);
    ex.truncated = truncated;
    return ex;
}

}  // namespace

class TestDatasetStats final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void countsTokens()
    {
        // Lengths 4, 10, 7; masked prefixes 0, 6, 7 (fully masked).
        const std::vector<Example> examples = {withLength(4), withLength(10, 6, true), withLength(7, 7)};
        const lora::DatasetStats s = lora::computeStats(examples, 3);
        QCOMPARE(s.examples, int64_t(3));
        QCOMPARE(s.totalTokens, int64_t(21));
        // Position 0 never reaches the loss: 3 + 4 + 0.
        QCOMPARE(s.lossTokens, int64_t(7));
        QCOMPARE(s.minLength, int64_t(4));
        QCOMPARE(s.maxLength, int64_t(10));
        QCOMPARE(s.meanLength, 7.0);
        QCOMPARE(s.truncated, int64_t(1));
        // [4, 10] in 3 bins of width 3: 4-6, 7-9, 10-10.
        QCOMPARE(s.histogram.size(), size_t(3));
        QCOMPARE(s.histogram[0].minLength, int64_t(4));
        QCOMPARE(s.histogram[0].maxLength, int64_t(6));
        QCOMPARE(s.histogram[0].count, int64_t(1));
        QCOMPARE(s.histogram[1].minLength, int64_t(7));
        QCOMPARE(s.histogram[1].maxLength, int64_t(9));
        QCOMPARE(s.histogram[1].count, int64_t(1));
        QCOMPARE(s.histogram[2].minLength, int64_t(10));
        QCOMPARE(s.histogram[2].maxLength, int64_t(10));
        QCOMPARE(s.histogram[2].count, int64_t(1));
    }

    void histogramCoversEveryLength_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("bins");
        QTest::newRow("many bins") << 1000 << 10;
        QTest::newRow("more bins than lengths") << 5 << 50;
        QTest::newRow("one bin") << 100 << 1;
    }

    void histogramCoversEveryLength()
    {
        QFETCH(int, count);
        QFETCH(int, bins);
        std::vector<Example> examples;
        for (int i = 0; i < count; ++i) examples.push_back(withLength(size_t(3 + (i * 37) % 500)));
        const lora::DatasetStats s = lora::computeStats(examples, size_t(bins));
        QVERIFY(!s.histogram.empty());
        QVERIFY(int(s.histogram.size()) <= bins);
        QCOMPARE(s.histogram.front().minLength, s.minLength);
        QCOMPARE(s.histogram.back().maxLength, s.maxLength);
        int64_t total = 0;
        for (size_t i = 0; i < s.histogram.size(); ++i) {
            QVERIFY(s.histogram[i].minLength <= s.histogram[i].maxLength);
            if (i > 0) QCOMPARE(s.histogram[i].minLength, s.histogram[i - 1].maxLength + 1);
            total += s.histogram[i].count;
        }
        QCOMPARE(total, int64_t(count));
    }

    void classificationHasNoLossTokens()
    {
        Example ex;
        ex.inputIds = {1, 2, 3};
        ex.classId = 0;
        const lora::DatasetStats s = lora::computeStats(std::vector<Example>{ex});
        QCOMPARE(s.totalTokens, int64_t(3));
        QCOMPARE(s.lossTokens, int64_t(0));
        QCOMPARE(s.histogram.size(), size_t(1));
    }

    void empty()
    {
        const lora::DatasetStats s = lora::computeStats({});
        QCOMPARE(s.examples, int64_t(0));
        QVERIFY(s.histogram.empty());
    }
};

QTEST_GUILESS_MAIN(TestDatasetStats)
#include "test_dataset_stats.moc"
