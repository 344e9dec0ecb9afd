// Export Report… as a user drives it: on the Runs page, the selected run's action (Ctrl+E) asks for a file,
// writes the HTML off the GUI thread and remembers the folder; on the Sweeps page the shown sweep's report has
// its Pareto front. The save dialog is replaced by a chooser that records what it was offered.
#include "lora/run_store.h"
#include "lora/sweep.h"
#include "report/report_export.h"
#include "runs/runs_page.h"
#include "sweep/sweep_page.h"
#include "ui_test_support.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace fs = std::filesystem;

namespace {

QString readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

}  // namespace

class TestReportExport final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path db_;
    qint64 runId_ = 0;
    qint64 sweepId_ = 0;

private Q_SLOTS:
    void initTestCase()
    {
        uitest::isolate(tmp_.path());
        db_ = fs::path(tmp_.path().toStdString()) / "runs.sqlite";
        lora::RunStore store(db_);
        runId_ = store.createRun({.name = "<b>bold</b> run", .configJson = "{\"learning_rate\": 0.0042}", .totalSteps = 3});
        store.markRunning(runId_);
        {
            lora::MetricWriter w(db_, runId_);
            for (int s = 1; s <= 3; ++s)
                w.add({s, 0.1 * s, 10 * s, 0.5 * s, "train", "loss", 3.0 / s});
        }
        store.finishRun(runId_, {});

        const lora::SweepGrid grid{{2, 4}, {lora::TargetPreset::QueryValue}, {lora::parseLayerRange("all")}, {1}};
        std::vector<lora::NewRun> cells(2);
        for (int c = 0; c < 2; ++c) {
            cells[c].name = "cell " + std::to_string(c);
            cells[c].sweepCell = c;
            cells[c].trainableParams = 100 * (c + 1);
        }
        sweepId_ = store.createSweep({"two cells", lora::sweepGridToJson(grid), "{}"}, cells);
        for (const auto& run : store.sweepRuns(sweepId_)) {
            store.markRunning(run.id);
            {
                lora::MetricWriter w(db_, run.id);
                w.add({1, 1, 10, 1, "val", "loss", *run.sweepCell == 0 ? 2.0 : 1.0});
            }
            store.finishRun(run.id, {});
        }
    }

    void runsPageActionWritesTheSelectedRunsReport()
    {
        RunsPage page(db_);
        QSignalSpy loaded(&page, &RunsPage::loaded);
        QVERIFY(loaded.wait(10000));
        page.selectRuns({runId_});
        QCOMPARE(page.exportReportAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));

        const QString folder = tmp_.path() + "/reports";
        QVERIFY(QDir().mkpath(folder));
        QString offered;
        page.reportExport()->setShowResult(false);
        page.reportExport()->setFileChooser([&](const QString& suggested) {
            offered = suggested;
            return folder + "/mine";  // no suffix: .html is added
        });
        QSignalSpy finished(page.reportExport(), &ReportExport::finished);
        page.exportReportAction()->trigger();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(1).toString().isEmpty(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(finished.first().at(0).toString(), folder + "/mine.html");
        QVERIFY(offered.endsWith(QStringLiteral("run-%1-b-bold-b-run.html").arg(runId_)));

        const QString html = readAll(folder + "/mine.html");
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        QVERIFY(html.contains("&lt;b&gt;bold&lt;/b&gt; run"));
        QVERIFY(html.contains("<td>learning_rate</td><td>0.0042</td>"));
        QVERIFY(html.contains("data-series=\"train loss\""));
        QCOMPARE(QSettings().value("reports/folder").toString(), folder);

        // The next export starts in the remembered folder.
        page.reportExport()->setFileChooser([&](const QString& suggested) {
            offered = suggested;
            return QString();  // cancelled: nothing is written
        });
        page.exportReportAction()->trigger();
        QVERIFY(offered.startsWith(folder + "/"));
        QVERIFY(!page.reportExport()->busy());
    }

    void sweepPageActionWritesTheShownSweepsReport()
    {
        SweepPage page(db_);
        QSignalSpy loaded(&page, &SweepPage::loaded);
        QVERIFY(loaded.wait(10000));
        page.showSweep(sweepId_);
        QVERIFY(loaded.count() > 1 || loaded.wait(10000));
        QCOMPARE(page.shownSweep(), sweepId_);
        QVERIFY(page.exportReportAction()->isEnabled());

        const QString file = tmp_.path() + "/sweep.html";
        page.reportExport()->setShowResult(false);
        page.reportExport()->setFileChooser([&](const QString&) { return file; });
        QSignalSpy finished(page.reportExport(), &ReportExport::finished);
        page.exportReportAction()->trigger();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(1).toString().isEmpty(), qPrintable(finished.first().at(1).toString()));
        const QString html = readAll(file);
        QVERIFY(html.contains("class=\"pareto-front\""));
        QCOMPARE(html.count("★ front"), 2);  // 100 params at 2.0, 200 at 1.0: neither beats the other
    }
};

QTEST_MAIN(TestReportExport)
#include "test_report_export.moc"
