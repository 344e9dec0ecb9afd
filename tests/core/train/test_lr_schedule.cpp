// learningRateFactor against transformers' schedulers. The expected rows are what transformers 5.23 returns:
//   opt = SGD([p], lr=1.0); s = get_<kind>_schedule_with_warmup(opt, warmup, total)
//   for step in range(12): record(opt.param_groups[0]["lr"]); opt.step(); s.step()
// (test_schedule_transformers.py compares the trainer's own reported rates with transformers live.)
#include "lora/training.h"

#include <QtTest/QtTest>

#include <vector>

Q_DECLARE_METATYPE(lora::LearningRateSchedule)
Q_DECLARE_METATYPE(std::vector<double>)

class TestLrSchedule final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesTransformers_data()
    {
        QTest::addColumn<lora::LearningRateSchedule>("schedule");
        QTest::addColumn<int>("warmup");
        QTest::addColumn<int>("total");
        QTest::addColumn<std::vector<double>>("expected");
        using S = lora::LearningRateSchedule;
        QTest::newRow("constant warmup 3") << S::Constant << 3 << 10
            << std::vector<double>{0.0, 0.3333333333333333, 0.6666666666666666, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        QTest::newRow("linear warmup 3 of 10") << S::Linear << 3 << 10
            << std::vector<double>{0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 0.8571428571428571,
                                   0.7142857142857143, 0.5714285714285714, 0.42857142857142855, 0.2857142857142857,
                                   0.14285714285714285, 0.0, 0.0};
        QTest::newRow("cosine warmup 3 of 10") << S::Cosine << 3 << 10
            << std::vector<double>{0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 0.9504844339512095,
                                   0.8117449009293668, 0.6112604669781572, 0.38873953302184283, 0.18825509907063326,
                                   0.04951556604879048, 0.0, 0.04951556604879043};
        QTest::newRow("linear of 7") << S::Linear << 0 << 7
            << std::vector<double>{1.0, 0.8571428571428571, 0.7142857142857143, 0.5714285714285714,
                                   0.42857142857142855, 0.2857142857142857, 0.14285714285714285, 0, 0, 0, 0, 0};
        QTest::newRow("cosine of 7") << S::Cosine << 0 << 7
            << std::vector<double>{1.0, 0.9504844339512095, 0.8117449009293668, 0.6112604669781572,
                                   0.38873953302184283, 0.18825509907063326, 0.04951556604879048, 0.0,
                                   0.04951556604879043, 0.18825509907063315, 0.3887395330218427, 0.6112604669781572};
    }

    void matchesTransformers()
    {
        QFETCH(lora::LearningRateSchedule, schedule);
        QFETCH(int, warmup);
        QFETCH(int, total);
        QFETCH(std::vector<double>, expected);
        for (size_t step = 0; step < expected.size(); ++step) {
            const double got = lora::learningRateFactor(schedule, static_cast<int64_t>(step), warmup, total);
            if (std::abs(got - expected[step]) > 1e-12)
                QFAIL(qPrintable(QString("step %1: got %2, transformers %3").arg(step).arg(got, 0, 'g', 17)
                                     .arg(expected[step], 0, 'g', 17)));
        }
    }

    void namesRoundTrip()
    {
        for (auto s : {lora::LearningRateSchedule::Constant, lora::LearningRateSchedule::Linear,
                       lora::LearningRateSchedule::Cosine})
            QCOMPARE(lora::parseSchedule(lora::scheduleName(s)), s);
        QVERIFY_THROWS_EXCEPTION(std::exception, lora::parseSchedule("polynomial"));
    }
};

QTEST_GUILESS_MAIN(TestLrSchedule)
#include "test_lr_schedule.moc"
