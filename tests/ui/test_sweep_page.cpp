// The Sweeps page: the Pareto chart plots a stored sweep's runs (one point per run at its trainable parameters and
// best validation loss) and draws exactly the front through them; hovering names a run's cell, clicking asks for the
// run. The builder counts the runs and parameters of a grid before it starts; a small sweep runs from the page on
// the training worker thread and ends with its runs completed in one group.
#include "lora/model.h"
#include "lora/run_store.h"
#include "lora/sweep.h"
#include "sweep/pareto_chart.h"
#include "sweep/sweep_builder.h"
#include "sweep/sweep_page.h"
#include "sweep/sweep_session.h"

#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace fs = std::filesystem;

namespace {

fs::path fixtureModel() { return fs::path(LORA_FIXTURES_DIR) / "models" / "llama_train"; }

// cell -> (trainable parameters, best validation loss). Cells 0 and 1 are the front; 2 is beaten by 0 (costlier,
// worse), 3 by 1.
struct Point {
    int64_t params;
    double loss;
};
const Point kPoints[] = {{100, 2.0}, {300, 1.5}, {200, 2.5}, {600, 1.6}};

}  // namespace

class TestSweepPage final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path dir() const { return tmp_.path().toStdString(); }
    std::vector<int64_t> runIds_;

    fs::path knownSweep()
    {
        const auto db = dir() / "known.sqlite";
        lora::RunStore store(db);
        lora::SweepGrid grid{{2, 4}, {lora::TargetPreset::QueryValue, lora::TargetPreset::AllLinear},
                             {lora::parseLayerRange("all")}, {1}};
        std::vector<lora::NewRun> runs;
        for (int64_t cell = 0; cell < 4; ++cell)
            runs.push_back({.name = "known " + std::to_string(cell), .configJson = "{}", .totalSteps = 2,
                            .sweepCell = cell, .trainableParams = kPoints[cell].params});
        const auto id = store.createSweep({"known", lora::sweepGridToJson(grid), "{}"}, runs);
        for (const auto& run : store.sweepRuns(id)) {
            store.markRunning(run.id);
            {
                lora::MetricWriter writer(db, run.id);
                const double best = kPoints[*run.sweepCell].loss;
                writer.add({1, 0.5, 10, 1.0, "val", "loss", best + 0.25});
                writer.add({2, 1.0, 20, 2.0, "val", "loss", best});
            }
            store.finishRun(run.id, {lora::RunStatus::Completed, "", 2.0});
            runIds_.push_back(run.id);
        }
        return db;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The builder and chart remember choices in QSettings: keep them out of the user's.
        qputenv("XDG_CONFIG_HOME", (tmp_.path() + "/config").toUtf8());
        QCoreApplication::setOrganizationName("LoRA Studio Tests");
        QCoreApplication::setApplicationName("LoRA Studio Sweep Tests");
    }

    void chartPlotsTheStoredRunsAndTheirFront()
    {
        SweepPage page(knownSweep());
        QSignalSpy loaded(&page, &SweepPage::loaded);
        QVERIFY(loaded.wait(10000));
        page.resize(1200, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* chart = page.chart();
        chart->replot();

        QCOMPARE(page.sweepList()->count(), 1);
        QCOMPARE(chart->plotted().size(), size_t(4));
        // One point per run, by increasing cost, at (trainable parameters, best validation loss).
        const auto points = chart->pointsGraph()->data();
        QCOMPARE(points->size(), 4);
        const double xs[] = {100, 200, 300, 600}, ys[] = {2.0, 2.5, 1.5, 1.6};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(points->at(i)->key, xs[i]);
            QCOMPARE(points->at(i)->value, ys[i]);
        }
        // The front: cells 0 and 1, drawn as a step line in cost order.
        const auto front = chart->frontGraph()->data();
        QCOMPARE(front->size(), 2);
        QCOMPARE(front->at(0)->key, 100.0);
        QCOMPARE(front->at(0)->value, 2.0);
        QCOMPARE(front->at(1)->key, 300.0);
        QCOMPARE(front->at(1)->value, 1.5);
        QCOMPARE(chart->frontGraph()->lineStyle(), QCPGraph::lsStepLeft);
        QCOMPARE(chart->frontRunIds(), (std::vector<int64_t>{runIds_[0], runIds_[1]}));
        QCOMPARE(chart->xAxis->scaleType(), QCPAxis::stLogarithmic);
        // Few points: each is labelled with its cell's rank and targets (one layer range and one seed: not named).
        QCOMPARE(chart->labels(), (QStringList{"r2 qv", "r4 qv", "r2 all-linear", "r4 all-linear"}));

        // Hover: the point under the mouse describes its cell. Click: it asks for its run.
        const int costliest = 3;  // cell 3: rank 4, all-linear, 600 parameters
        const QPoint at = chart->pixelOf(costliest);
        QCOMPARE(chart->pointAt(at), costliest);
        QCOMPARE(chart->pointAt(at + QPoint(40, 40)), -1);
        const QString tip = chart->describe(costliest);
        QVERIFY2(tip.contains("rank 4") && tip.contains("all-linear") && tip.contains("1.6000"), qPrintable(tip));
        QVERIFY(!tip.contains("Pareto front"));
        QVERIFY(chart->describe(0).contains("Pareto front"));
        QSignalSpy clicked(&page, &SweepPage::runClicked);
        QTest::mouseClick(chart, Qt::LeftButton, {}, at);
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(clicked.first().first().toLongLong(), qint64(runIds_[3]));
    }

    void builderCountsRunsAndParameters()
    {
        const auto model = lora::Model::load(fixtureModel());
        SweepBuilder builder;
        builder.setModelDescription(model->description());
        builder.setRanks({2, 4});
        builder.setPresets({lora::TargetPreset::QueryValue});
        builder.setLayerRanges("0, all");
        builder.setSeeds("1, 2");
        QCOMPARE(builder.plan().size(), size_t(8));
        // q_proj 64 -> 64 and v_proj 64 -> 32 in each of 2 blocks: r * 224 a block; seeds double everything.
        const qint64 perSeed = 2 * 224 + 2 * 448 + 4 * 224 + 4 * 448;
        const QString text = builder.summary()->text();
        QVERIFY2(text.contains("8 runs") && text.contains(QLocale().toString(2 * perSeed)), qPrintable(text));

        builder.setLayerRanges("0-5");
        QVERIFY(builder.plan().empty());
        QVERIFY2(builder.summary()->text().contains("the model has 2 layers"), qPrintable(builder.summary()->text()));
        builder.setLayerRanges("all");
        builder.setSeeds("one");
        QVERIFY(!builder.grid());
        QVERIFY2(builder.problem().contains("seed 'one'"), qPrintable(builder.problem()));
    }

    void smallSweepRunsFromThePage()
    {
        const auto data = dir() / "train.txt";
        {
            std::ofstream out(data);
            for (int i = 0; i < 40; ++i)
                out << "the cat sat on mat " << i << " and the dog ran far away\n";
        }
        const auto db = dir() / "gui.sqlite";
        SweepPage page(db);
        const auto model = lora::Model::load(fixtureModel());
        page.setModelDescription(model->description());
        page.setBaseConfigProvider([&] {
            lora::TrainingConfig c;
            c.modelDir = fixtureModel();
            c.dataFile = data;
            c.dataset.blockSize = 16;
            c.batchSize = 2;
            c.learningRate = 1e-2;
            c.validationFraction = 0.25;
            c.threads = 1;
            c.outputDir = dir() / "runs" / "run-1";
            return std::optional<lora::TrainingConfig>(c);
        });
        page.builder()->setRanks({2});
        page.builder()->setPresets({lora::TargetPreset::QueryValue, lora::TargetPreset::AllLinear});
        page.builder()->setLayerRanges("all");
        page.builder()->setSeeds("3");
        page.builder()->setSteps(2);

        QSignalSpy finished(&page, &SweepPage::sweepFinished);
        QSignalSpy started(page.session(), &SweepSession::cellStarted);
        QVERIFY2(page.startSweep(), qPrintable(page.statusText()));
        QVERIFY(page.isRunning());
        QVERIFY(finished.wait(180000));
        QCOMPARE(finished.first().first().toString(), QString("completed"));
        QCOMPARE(started.size(), 2);
        QVERIFY(!page.isRunning());

        lora::RunStore store(db);
        const auto sweeps = store.sweeps();
        QCOMPARE(sweeps.size(), size_t(1));
        QCOMPARE(sweeps[0].status, lora::RunStatus::Completed);
        const auto runs = store.sweepRuns(sweeps[0].id);
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(store.runs().size(), size_t(2));
        for (const auto& r : runs) {
            QCOMPARE(r.status, lora::RunStatus::Completed);
            QCOMPARE(r.stepsDone, int64_t(2));
            QVERIFY(r.bestValLoss);
            QVERIFY(fs::exists(fs::path(r.outputDir) / "adapter_model.safetensors"));
            QVERIFY(fs::path(r.outputDir).parent_path().filename().string().rfind("sweep-", 0) == 0);
        }
        // The chart shows the finished sweep's two runs.
        QSignalSpy loaded(&page, &SweepPage::loaded);
        page.reload();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.chart()->plotted().size(), size_t(2));
        QVERIFY(!page.chart()->frontRunIds().empty());
    }
};

QTEST_MAIN(TestSweepPage)
#include "test_sweep_page.moc"
