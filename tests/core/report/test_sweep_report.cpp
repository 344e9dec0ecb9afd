// A sweep of three runs written through the store (planned parameters 100, 200, 400; best validation losses 3.0,
// 2.0, 2.5) reports every run and draws the Pareto front through the first two: the third costs more than the
// second and is worse. A sweep that is not there is an error naming the database.
#include "report_test_support.h"

#include "lora/report.h"
#include "lora/run_store.h"
#include "lora/sweep.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace lora;
using namespace report_test;
namespace fs = std::filesystem;

class TestSweepReport final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path dir() const { return tmp_.path().toStdString(); }

private Q_SLOTS:
    void everyRunAndTheParetoFront()
    {
        const auto db = dir() / "runs.sqlite";
        const SweepGrid grid{{1, 2, 4}, {TargetPreset::QueryValue}, {parseLayerRange("all")}, {1}};
        const std::vector<double> losses = {3.0, 2.0, 2.5};
        int64_t sweepId = 0;
        {
            RunStore store(db);
            std::vector<NewRun> runs;
            for (int64_t cell = 0; cell < 3; ++cell) {
                NewRun run;
                run.name = cell == 2 ? "<img src=x onerror=alert(1)>" : "cell " + std::to_string(cell);
                run.configJson = "{}";
                run.sweepCell = cell;
                run.trainableParams = 100 << cell;
                runs.push_back(run);
            }
            sweepId = store.createSweep({"rank sweep & co", sweepGridToJson(grid), "{\"learning_rate\": 0.01}"}, runs);
            for (const auto& run : store.sweepRuns(sweepId)) {
                store.markRunning(run.id);
                MetricWriter writer(db, run.id);
                writer.add({1, 1, 10, 1, "val", "loss", losses[static_cast<size_t>(*run.sweepCell)] + 0.5});
                writer.add({2, 2, 20, 2, "val", "loss", losses[static_cast<size_t>(*run.sweepCell)]});
                writer.flush();
                store.finishRun(run.id, {});
            }
        }
        RunStore store(db);
        const auto report = collectSweepReport(store, sweepId);
        QCOMPARE(report.results.size(), size_t(3));
        const std::string html = sweepReportHtml(report);

        QCOMPARE(polylinePoints(html, "class=\"pareto-front\""), 2);
        QCOMPARE(occurrences(html, "class=\"point front\""), 2);
        QCOMPARE(occurrences(html, "class=\"point\""), 1);
        QCOMPARE(occurrences(html, "★ front"), 2);
        // The front's points are the 100- and 200-parameter runs.
        QVERIFY(html.find("r1 qv layers all seed 1): 100, 3") != std::string::npos);
        QVERIFY(html.find("r2 qv layers all seed 1): 200, 2") != std::string::npos);
        // Every run's row, its validation curve, and escaped names.
        for (const auto& r : report.results)
            QVERIFY(html.find("<td>" + htmlEscape(r.run.name) + "</td>") != std::string::npos);
        QCOMPARE(occurrences(html, "<tr><td class=\"num\">"), 3);  // one row per run
        QCOMPARE(polylinePoints(html, "data-series=\"r4 qv layers all seed 1\""), 2);
        QVERIFY(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
        QVERIFY(html.find("Sweep " + std::to_string(sweepId) + ": rank sweep &amp; co") != std::string::npos);
        QVERIFY(fetchesNothing(html));

        QVERIFY_THROWS_EXCEPTION(Error, collectSweepReport(store, sweepId + 10));
    }
};

QTEST_GUILESS_MAIN(TestSweepReport)
#include "test_sweep_report.moc"
