// The Pareto front of handcrafted points: dominance, ties, equal points, both quality goals, NaN.
#include "lora/pareto.h"

#include <QtTest>

#include <cmath>

using namespace lora;

class TestPareto final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyHasNoFront() { QVERIFY(paretoFront({}).empty()); }

    void minimisesBoth()
    {
        // cost (params), loss. 1: cheapest; 2 beats 1 on loss; 3 is beaten by 2 (costlier, worse);
        // 4 is the best loss at the highest cost; 5 is beaten by 4 (same cost, worse loss).
        const std::vector<ParetoPoint> points{{100, 3.0}, {200, 2.0}, {300, 2.5}, {800, 1.0}, {800, 1.5}};
        QCOMPARE(paretoFront(points), (std::vector<size_t>{0, 1, 3}));
    }

    void orderIsByCostWhateverTheInputOrder()
    {
        const std::vector<ParetoPoint> points{{800, 1.0}, {300, 2.5}, {100, 3.0}, {200, 2.0}};
        QCOMPARE(paretoFront(points), (std::vector<size_t>{2, 3, 0}));
    }

    void equalQualityAtHigherCostIsDominated()
    {
        const std::vector<ParetoPoint> points{{100, 2.0}, {200, 2.0}};
        QCOMPARE(paretoFront(points), (std::vector<size_t>{0}));
    }

    void equalPointsAreBothOnTheFront()
    {
        const std::vector<ParetoPoint> points{{100, 2.0}, {100, 2.0}, {100, 2.5}};
        QCOMPARE(paretoFront(points), (std::vector<size_t>{0, 1}));
    }

    void maximisesAMetric()
    {
        // accuracy: more is better. 0 cheapest; 1 better and costlier; 2 costlier but worse than 1.
        const std::vector<ParetoPoint> points{{10, 0.5}, {20, 0.9}, {30, 0.7}, {40, 0.95}};
        QCOMPARE(paretoFront(points, QualityGoal::Maximise), (std::vector<size_t>{0, 1, 3}));
        // The same points minimised: only the cheapest of the lowest values survive.
        QCOMPARE(paretoFront(points, QualityGoal::Minimise), (std::vector<size_t>{0}));
    }

    void nanPointsAreLeftOut()
    {
        const std::vector<ParetoPoint> points{{100, std::nan("")}, {200, 2.0}, {std::nan(""), 1.0}};
        QCOMPARE(paretoFront(points), (std::vector<size_t>{1}));
    }

    void frontMatchesABruteForceDominanceCheck()
    {
        // A grid of points with many ties: the front is exactly the points no other point dominates.
        std::vector<ParetoPoint> points;
        for (int i = 0; i < 60; ++i)
            points.push_back({double((i * 37) % 11), double((i * 53) % 7)});
        std::vector<size_t> expected;
        for (size_t i = 0; i < points.size(); ++i) {
            bool dominated = false;
            for (size_t j = 0; j < points.size() && !dominated; ++j)
                dominated = points[j].cost <= points[i].cost && points[j].quality <= points[i].quality &&
                            (points[j].cost < points[i].cost || points[j].quality < points[i].quality);
            if (!dominated)
                expected.push_back(i);
        }
        auto front = paretoFront(points);
        std::sort(front.begin(), front.end());
        QCOMPARE(front, expected);
        QVERIFY(!front.empty());
    }
};

QTEST_APPLESS_MAIN(TestPareto)
#include "test_pareto.moc"
