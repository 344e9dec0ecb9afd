// Train/validation split: deterministic by seed on any machine, disjoint and complete, fraction respected.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "lora/dataset.h"
#include "lora/error.h"

namespace {

QVector<qsizetype> qt(const std::vector<size_t>& v)
{
    QVector<qsizetype> out;
    for (size_t x : v) out << qsizetype(x);
    return out;
}

}  // namespace

class TestDatasetSplit final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Reference values from an independent Python implementation of the documented algorithm
    // (SplitMix64, rejection sampling for bounded ints, Fisher-Yates from the back, first
    // round(n * fraction) of the shuffled order to validation). A change to any of these, or a switch to
    // std::shuffle, changes every user's split: this test exists to make that loud.
    void matchesReferenceImplementation()
    {
        const lora::SplitIndices a = lora::splitTrainValidation(20, 0.25, 42);
        QCOMPARE(qt(a.validation), (QVector<qsizetype>{3, 8, 11, 16, 17}));
        QCOMPARE(qt(a.train), (QVector<qsizetype>{0, 1, 2, 4, 5, 6, 7, 9, 10, 12, 13, 14, 15, 18, 19}));
        const lora::SplitIndices b = lora::splitTrainValidation(10, 0.3, 0);
        QCOMPARE(qt(b.validation), (QVector<qsizetype>{2, 3, 6}));
    }

    void deterministicAcrossCalls()
    {
        for (uint64_t seed : {uint64_t(0), uint64_t(1), uint64_t(0xDEADBEEF), std::numeric_limits<uint64_t>::max()}) {
            const auto first = lora::splitTrainValidation(1000, 0.1, seed);
            const auto second = lora::splitTrainValidation(1000, 0.1, seed);
            QCOMPARE(qt(first.train), qt(second.train));
            QCOMPARE(qt(first.validation), qt(second.validation));
        }
        const auto x = lora::splitTrainValidation(1000, 0.1, 1);
        const auto y = lora::splitTrainValidation(1000, 0.1, 2);
        QVERIFY(qt(x.validation) != qt(y.validation));
    }

    void disjointCompleteAndSized_data()
    {
        QTest::addColumn<qsizetype>("count");
        QTest::addColumn<double>("fraction");
        QTest::addColumn<qsizetype>("validation");
        QTest::newRow("tenth of 1000") << qsizetype(1000) << 0.1 << qsizetype(100);
        QTest::newRow("rounds to nearest") << qsizetype(7) << 0.2 << qsizetype(1);  // 1.4
        QTest::newRow("rounds half up") << qsizetype(5) << 0.5 << qsizetype(3);     // 2.5
        QTest::newRow("no validation") << qsizetype(50) << 0.0 << qsizetype(0);
        QTest::newRow("tiny fraction keeps one") << qsizetype(10) << 0.001 << qsizetype(1);
        QTest::newRow("train keeps one") << qsizetype(3) << 0.99 << qsizetype(2);
        QTest::newRow("single example") << qsizetype(1) << 0.5 << qsizetype(0);
        QTest::newRow("empty") << qsizetype(0) << 0.2 << qsizetype(0);
        QTest::newRow("large") << qsizetype(100001) << 0.05 << qsizetype(5000);  // 5000.05
    }

    void disjointCompleteAndSized()
    {
        QFETCH(qsizetype, count);
        QFETCH(double, fraction);
        QFETCH(qsizetype, validation);
        const auto split = lora::splitTrainValidation(size_t(count), fraction, 7);
        QCOMPARE(qsizetype(split.validation.size()), validation);
        QCOMPARE(qsizetype(split.train.size()), count - validation);
        QVERIFY(std::is_sorted(split.train.begin(), split.train.end()));
        QVERIFY(std::is_sorted(split.validation.begin(), split.validation.end()));
        std::set<size_t> all(split.train.begin(), split.train.end());
        for (size_t index : split.validation) QVERIFY(all.insert(index).second);  // disjoint
        QCOMPARE(qsizetype(all.size()), count);                                      // complete
        if (count > 0) QCOMPARE(*all.rbegin(), size_t(count - 1));
    }

    void validationIsSpreadOverTheData()
    {
        // A shuffle, not a tail cut: validation indices come from both halves.
        const auto split = lora::splitTrainValidation(1000, 0.2, 3);
        const auto low = std::count_if(split.validation.begin(), split.validation.end(), [](size_t i) { return i < 500; });
        QVERIFY2(low > 60 && low < 140, qPrintable(QString::number(low)));
    }

    void rejectsBadFractions_data()
    {
        QTest::addColumn<double>("fraction");
        QTest::newRow("one") << 1.0;
        QTest::newRow("negative") << -0.1;
        QTest::newRow("nan") << std::nan("");
    }

    void rejectsBadFractions()
    {
        QFETCH(double, fraction);
        QVERIFY_THROWS_EXCEPTION(lora::Error, lora::splitTrainValidation(10, fraction, 1));
    }
};

QTEST_GUILESS_MAIN(TestDatasetSplit)
#include "test_dataset_split.moc"
