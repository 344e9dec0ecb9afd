// The Train page, driven through the whole window as a user would: choose a model, a dataset and targets, see
// the parameter count core computes, press Start, watch the charts fill while the GUI thread keeps serving
// events, pause and resume, press Stop and read where the adapter went. Also: what goes wrong is said, and
// the app stays usable; closing mid-run asks, stops and then closes.
#include "ui_test_support.h"

#include "adapter/adapter_page.h"
#include "adapter/target_grid.h"
#include "data/message_banner.h"
#include "train/metric_plot.h"
#include "train/train_page.h"
#include "tryit/try_page.h"

#include "lora/lora_targets.h"
#include "lora/model.h"
#include "lora/run_store.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTemporaryDir>

namespace {

QString count(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

QString banner(TrainPage* page) { return page->findChild<MessageBanner*>("messageLabel")->text(); }

void click(QWidget* parent, const char* name)
{
    auto* button = parent->findChild<QPushButton*>(name);
    QVERIFY2(button, name);
    QVERIFY2(button->isEnabled(), name);
    QTest::mouseClick(button, Qt::LeftButton);
}

}  // namespace

class TestTrainPage final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    // A window with the fixture model, a short instruction dataset (the fixture has 128 positions) and q+v targets.
    bool prepare(MainWindow& w)
    {
        if (!uitest::openModel(w, uitest::kTrainModel))
            return false;
        w.dataPage()->setMaxLength(128);
        if (!uitest::openDataset(w, uitest::writeInstructionDataset(dir_.path())))
            return false;
        w.adapterPage()->choosePreset(TargetPreset::QueryValue);
        auto* train = w.trainPage();
        train->setOutputFolder(QString());  // automatic: a new folder under AppDataLocation/runs
        train->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
        train->findChild<QSpinBox*>("batchSpin")->setValue(4);
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        uitest::isolate(dir_.path());
    }

    void trainPauseResumeStop()
    {
        MainWindow w;
        w.show();
        QVERIFY(prepare(w));
        TrainPage* page = w.trainPage();
        page->setSteps(100000);  // far more than the test waits for: only Stop ends this run

        // The parameter count shown is core's accounting for the configuration the run will use.
        const auto& d = w.modelPage()->loaded().model->description();
        const auto config = w.adapterPage()->currentConfig();
        const auto budget = lora::computeBudget(d, lora::selectTargets(d, config), config);
        QVERIFY(budget.trainable > 0);
        QCOMPARE(w.adapterPage()->findChild<QLabel*>("trainableValue")->text(), count(budget.trainable));

        w.tabs()->setCurrentWidget(page);
        uitest::EventLoopProbe probe;
        QSignalSpy metrics(page->run(), &TrainingRun::metricsUpdated);
        QSignalSpy finished(page->run(), &TrainingRun::finished);
        QElapsedTimer runClock;
        runClock.start();
        click(page, "startButton");
        QVERIFY(page->run()->isActive());  // Start returned at once: the run is on its worker thread
        QTRY_VERIFY_WITH_TIMEOUT(page->run()->history().size() >= 5, 120000);
        QVERIFY(metrics.count() >= 1);
        QVERIFY(page->lossPlot()->graph(0)->data()->size() >= 1);

        // The trainer's own count (its log line, PEFT's wording) is the number the Adapter page showed.
        const QString log = page->findChild<QPlainTextEdit*>("logView")->toPlainText();
        const auto match = QRegularExpression("trainable params: ([0-9,]+)").match(log);
        QVERIFY2(match.hasMatch(), qPrintable(log));
        QCOMPARE(match.captured(1).remove(',').toLongLong(), budget.trainable);

        // Pause holds the run before its next step; resume lets it go on.
        click(page, "pauseButton");
        QTRY_COMPARE_WITH_TIMEOUT(page->run()->state(), TrainingRun::State::Paused, 60000);
        QVERIFY(page->statusText().startsWith("Paused at step"));
        const size_t held = page->run()->history().size();
        QTest::qWait(400);
        QCOMPARE(page->run()->history().size(), held);
        click(page, "pauseButton");  // now "Resume"
        QCOMPARE(page->run()->state(), TrainingRun::State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(page->run()->history().size() > held + 2, 60000);

        // Stop: said at once, effective within one optimizer step, and the result says where the adapter is.
        const int64_t stepAtStop = page->run()->history().back().step;
        click(page, "stopButton");
        QCOMPARE(page->statusText(), QString("Stopping after this step…"));
        QVERIFY(finished.wait(60000));
        const lora::TrainingResult result = page->run()->result();
        QCOMPARE(result.status, lora::TrainingStatus::Stopped);
        QVERIFY(result.finalMetrics);
        QVERIFY2(result.finalMetrics->step <= stepAtStop + 2,
                 qPrintable(QString("stopped at %1, asked at %2").arg(result.finalMetrics->step).arg(stepAtStop)));
        const QString adapter = QString::fromStdU16String(result.adapterDir.u16string());
        QCOMPARE(page->statusText(), QString("Stopped at step %1; adapter saved to %2")
                                         .arg(result.finalMetrics->step).arg(QDir::toNativeSeparators(adapter)));
        QVERIFY(adapter.startsWith(dir_.path() + "/data"));  // the default: AppDataLocation/runs/<timestamp>
        QVERIFY(QFileInfo::exists(adapter + "/adapter_config.json"));
        QVERIFY(QFileInfo::exists(adapter + "/adapter_model.safetensors"));
        QCOMPARE(page->run()->state(), TrainingRun::State::Finished);
        QVERIFY(page->findChild<QPushButton*>("startButton")->isEnabled());

        // Every step is kept and plotted, even though redraws were throttled.
        const auto& history = page->run()->history();
        QCOMPARE(int64_t(history.size()), result.finalMetrics->step);
        QCOMPARE(page->lossPlot()->graph(0)->data()->size(), int(history.size()));
        QCOMPARE(page->lossPlot()->graph(1)->data()->size(), int(history.size()));
        QCOMPARE(page->learningRatePlot()->graph(0)->data()->size(), int(history.size()));
        QCOMPARE(page->gradNormPlot()->graph(0)->data()->size(), int(history.size()));
        QCOMPARE(page->throughputPlot()->graph(0)->data()->size(), int(history.size()));
        // Redraws are coalesced: at most 30 a second however fast the steps came (+2 for the first and the last).
        QVERIFY(metrics.count() <= int(history.size()));
        QVERIFY2(metrics.count() <= runClock.elapsed() * TrainingRun::kMaxRedrawsPerSecond / 1000 + 2,
                 qPrintable(QString("%1 redraws in %2 ms for %3 steps").arg(metrics.count()).arg(runClock.elapsed()).arg(history.size())));
        QCOMPARE(page->lossPlot()->graph(0)->data()->at(0)->value, history.front().trainLoss);

        // The x axis can be switched after the fact: tokens trained on.
        page->setXAxis(MetricAxis::Tokens);
        QCOMPARE(page->lossPlot()->graph(0)->data()->size(), int(history.size()));
        QCOMPARE(page->lossPlot()->graph(0)->data()->at(int(history.size()) - 1)->key, double(history.back().tokens));
        QCOMPARE(page->lossPlot()->xAxis->label(), QString("Tokens trained on"));

        // The GUI thread served its events throughout: no gap near the length of the run.
        qInfo("event-loop probe: %d ticks in %.0f ms, longest gap %.1f ms", probe.ticks(), probe.elapsedMs(), probe.maxGapMs());
        QVERIFY(probe.ticks() > probe.elapsedMs() / 100);
        QVERIFY2(probe.maxGapMs() < 1000, qPrintable(QString::number(probe.maxGapMs())));

        // The trained adapter is what the Try it page compares against.
        QCOMPARE(w.tryPage()->adapterFolder(), adapter);

        // The run is in the history lora-cli and the Runs page read: status, every step's loss, parameters.
        lora::RunStore store(lora::RunStore::defaultPath());
        std::optional<lora::RunRecord> recorded;
        for (const auto& r : store.runs())
            if (QString::fromStdString(r.outputDir) == adapter)
                recorded = r;
        QVERIFY2(recorded, "the GUI's run is not in the run database");
        QCOMPARE(recorded->status, lora::RunStatus::Stopped);
        QCOMPARE(recorded->stepsDone, result.finalMetrics->step);
        QCOMPARE(recorded->trainableParams, result.finalMetrics->trainableParameters);
        QVERIFY(recorded->trainableParams > 0);
        const auto losses = store.metrics(recorded->id, "train", "loss");
        QCOMPARE(int64_t(losses.size()), result.finalMetrics->step);
        QCOMPARE(losses.front().value, history.front().trainLoss);
    }

    // A second run in the same window is drawn from its first step, and its evaluation is logged again, although
    // the first run was longer and evaluated at a later step.
    void aSecondRunIsDrawnFromItsFirstStep()
    {
        MainWindow w;
        w.show();
        QVERIFY(prepare(w));
        TrainPage* page = w.trainPage();
        auto* log = page->findChild<QPlainTextEdit*>("logView");
        QSignalSpy finished(page->run(), &TrainingRun::finished);
        for (const int steps : {6, 3}) {
            page->setSteps(steps);
            click(page, "startButton");
            QVERIFY(finished.wait(120000));
            QCOMPARE(page->run()->result().status, lora::TrainingStatus::Completed);
            const auto& history = page->run()->history();
            QCOMPARE(int(history.size()), steps);
            QCOMPARE(page->lossPlot()->graph(0)->data()->size(), steps);
            QCOMPARE(page->lossPlot()->graph(0)->data()->at(0)->value, history.front().trainLoss);
            QCOMPARE(page->throughputPlot()->graph(0)->data()->size(), steps);
            QVERIFY2(log->toPlainText().contains(QString("step %1: validation loss").arg(steps)),
                     qPrintable(log->toPlainText()));
        }
    }

    void problemsAreShownAndTheAppStaysUsable()
    {
        MainWindow w;
        w.show();
        TrainPage* page = w.trainPage();

        // An invalid model folder: the Model page and the Train page say so; nothing starts.
        QTemporaryDir broken;
        QFile config(broken.filePath("config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{ not json");
        config.close();
        QSignalSpy failed(w.modelPage(), &ModelPage::loadFailed);
        w.openModelFolder(broken.path());
        QVERIFY(failed.wait(30000));
        click(page, "startButton");
        QVERIFY(!page->run()->isActive());
        QVERIFY2(banner(page).contains("No model is loaded") && banner(page).contains("config.json"), qPrintable(banner(page)));

        // An invalid dataset: named on the Train page with what to do.
        QVERIFY(uitest::openModel(w, uitest::kTrainModel));
        QFile bad(broken.filePath("bad.jsonl"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"text\": \"fine\"}\n{ this is not json\n");
        bad.close();
        QSignalSpy dataFailed(w.dataPage(), &DataPage::loadFailed);
        w.openDatasetFile(bad.fileName());
        QVERIFY(dataFailed.wait(30000));
        click(page, "startButton");
        QVERIFY(!page->run()->isActive());
        QVERIFY2(banner(page).contains("dataset could not be loaded") && banner(page).contains("bad.jsonl:2"),
                 qPrintable(banner(page)));

        // Nothing selected on the Adapter page.
        w.dataPage()->setMaxLength(128);
        QVERIFY(uitest::openDataset(w, uitest::writeInstructionDataset(dir_.path())));
        w.adapterPage()->choosePreset(TargetPreset::Custom);
        w.adapterPage()->grid()->setTicked({});
        QVERIFY(!w.adapterPage()->hasValidTargets());
        click(page, "startButton");
        QVERIFY(!page->run()->isActive());
        QVERIFY2(banner(page).contains("Nothing is selected"), qPrintable(banner(page)));

        // Fixed, the same window trains.
        w.adapterPage()->choosePreset(TargetPreset::QueryValue);
        page->setSteps(2);
        page->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
        QSignalSpy finished(page->run(), &TrainingRun::finished);
        click(page, "startButton");
        QVERIFY(page->run()->isActive());
        QVERIFY(!page->findChild<MessageBanner*>("messageLabel")->isVisible());
        QVERIFY(finished.wait(120000));
        QCOMPARE(page->run()->result().status, lora::TrainingStatus::Completed);
        QVERIFY(page->statusText().startsWith("Completed 2 steps; adapter saved to "));
    }

    void closingDuringTrainingAsksThenStops()
    {
        auto* w = new MainWindow;
        w->show();
        QVERIFY(prepare(*w));
        w->trainPage()->setSteps(100000);
        QSignalSpy finished(w->trainPage()->run(), &TrainingRun::finished);
        w->trainPage()->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(w->trainPage()->run()->history().size() >= 2, 120000);

        int asked = 0;
        w->setConfirmCloseDuringTraining([&asked] { return ++asked > 1; });  // "No" first, then "Yes"
        QVERIFY(!w->close());
        QCOMPARE(asked, 1);
        QVERIFY(w->isVisible());
        QVERIFY(w->trainPage()->run()->isActive());  // declined: training goes on

        QVERIFY(!w->close());  // accepted: the window waits for the run, without blocking the event loop
        QCOMPARE(asked, 2);
        QCOMPARE(w->trainPage()->run()->state(), TrainingRun::State::Stopping);
        QTRY_VERIFY_WITH_TIMEOUT(!w->isVisible(), 60000);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(w->trainPage()->run()->result().status, lora::TrainingStatus::Stopped);
        delete w;
    }

    void destroyingMidRunStopsTheWorker()
    {
        auto* w = new MainWindow;
        QVERIFY(prepare(*w));
        w->trainPage()->setSteps(100000);
        w->trainPage()->start();
        QTRY_VERIFY_WITH_TIMEOUT(w->trainPage()->run()->history().size() >= 1, 120000);
        QElapsedTimer t;
        t.start();
        delete w;  // the run stops before its next step and the thread is joined: no crash, no hang
        QVERIFY(t.elapsed() < 30000);
    }
};

QTEST_MAIN(TestTrainPage)
#include "test_train_page.moc"
