// Run Again and Resume on the Runs page, in the window: Run Again puts a recorded run's settings back into the
// Model, Data, Adapter and Train pages (and keeps those the pages do not show for the next Start); Resume
// continues a stopped run in-app from its last checkpoint until its total step count, in the same run record,
// which ends completed with every step's metrics exactly once.
#include "ui_test_support.h"

#include "adapter/adapter_page.h"
#include "runs/runs_page.h"
#include "train/train_page.h"

#include "lora/run_store.h"

#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>

#include <set>

namespace fs = std::filesystem;

namespace {

void click(QWidget* parent, const char* name)
{
    auto* button = parent->findChild<QPushButton*>(name);
    QVERIFY2(button, name);
    QTest::mouseClick(button, Qt::LeftButton);
}

}  // namespace

class TestRunAgainResume final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString dataset_;

    bool prepare(MainWindow& w)
    {
        if (!uitest::openModel(w, uitest::kTrainModel))
            return false;
        w.dataPage()->setMaxLength(128);
        if (!uitest::openDataset(w, dataset_))
            return false;
        w.adapterPage()->choosePreset(TargetPreset::QueryValue);
        auto* train = w.trainPage();
        train->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
        train->findChild<QSpinBox*>("batchSpin")->setValue(4);
        return true;
    }

    // Selects run `id` on the Runs page once it lists it.
    static void selectRun(MainWindow& w, int64_t id)
    {
        RunsPage* runs = w.runsPage();
        QSignalSpy loaded(runs, &RunsPage::loaded);
        w.tabs()->setCurrentWidget(runs);  // reloads
        QVERIFY(loaded.wait(30000));
        QSignalSpy selected(runs, &RunsPage::selectionLoaded);
        runs->selectRuns({id});
        QCOMPARE(runs->selectedRunIds(), QList<qint64>{id});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        uitest::isolate(dir_.path());
        qputenv("LORA_STUDIO_DB", dir_.filePath("runs.sqlite").toUtf8());
        dataset_ = uitest::writeInstructionDataset(dir_.path());
    }

    void runAgainFillsThePages()
    {
        // A run recorded by lora-cli (say) with settings the GUI shows and some it does not.
        const fs::path db = lora::RunStore::defaultPath();
        lora::TrainingConfig c;
        c.modelDir = uitest::kTrainModel.toStdString();
        c.dataFile = dataset_.toStdString();
        c.dataset.maxLength = 96;
        c.lora.r = 6;
        c.lora.alpha = 12;
        c.lora.dropout = 0.05;
        c.lora.useRslora = true;
        c.lora.targetModules = {"q_proj", "k_proj", "v_proj", "o_proj"};
        c.maxSteps = 0;  // sized by epochs: the record holds the real count
        c.epochs = 1.5;
        c.gradientAccumulation = 2;
        c.batchSize = 3;
        c.learningRate = 3e-3;
        c.schedule = lora::LearningRateSchedule::Cosine;
        c.warmupSteps = 2;
        c.weightDecay = 0.05;
        c.evalSteps = 5;
        c.validationFraction = 0.2;
        c.seed = 1234;
        c.outputDir = dir_.filePath("cli-run").toStdString();
        int64_t id = 0;
        {
            lora::RunStore store(db);
            id = store.createRun({.name = "from the cli", .modelPath = c.modelDir.string(),
                                  .datasetPath = c.dataFile.string(), .configJson = lora::trainingConfigToJson(c),
                                  .outputDir = c.outputDir.string(), .totalSteps = 0});
            store.setTotalSteps(id, 17);
            store.finishRun(id, {lora::RunStatus::Completed, "", 1.0});
        }

        MainWindow w;
        w.show();
        QVERIFY(prepare(w));
        // The pages now hold other choices: Run Again must bring the run's back.
        w.adapterPage()->setRank(16);
        w.trainPage()->setSteps(999);
        w.trainPage()->setOutputFolder(dir_.filePath("elsewhere"));
        selectRun(w, id);
        QSignalSpy modelLoaded(w.modelPage(), &ModelPage::modelLoaded);
        click(w.runsPage(), "runAgainButton");
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget*>(w.trainPage()));
        QVERIFY(w.trainPage()->hasLoadedConfig());

        TrainPage* train = w.trainPage();
        QCOMPARE(train->findChild<QSpinBox*>("stepsSpin")->value(), 17);
        QCOMPARE(train->findChild<QSpinBox*>("batchSpin")->value(), 3);
        QCOMPARE(train->findChild<QSpinBox*>("evalEverySpin")->value(), 5);
        QCOMPARE(w.adapterPage()->rank(), 6);
        QCOMPARE(w.adapterPage()->alpha(), 12.0);
        QCOMPARE(w.adapterPage()->dropout(), 0.05);
        QCOMPARE(w.dataPage()->options().maxLength, 96);
        QTRY_VERIFY_WITH_TIMEOUT(!w.dataPage()->isLoading() && w.dataPage()->dataset(), 60000);
        QCOMPARE(w.dataPage()->file(), dataset_);

        // The config Start would use: the run's, from every page, with a fresh automatic output folder.
        const auto built = train->buildConfig();
        QVERIFY(built);
        QCOMPARE(built->maxSteps, int64_t(17));
        QCOMPARE(built->batchSize, int64_t(3));
        QCOMPARE(built->learningRate, 3e-3);
        QCOMPARE(built->schedule, lora::LearningRateSchedule::Cosine);
        QCOMPARE(built->warmupSteps, int64_t(2));
        QCOMPARE(built->weightDecay, 0.05);
        QCOMPARE(built->validationFraction, 0.2);
        QCOMPARE(built->seed, uint64_t(1234));
        QCOMPARE(built->gradientAccumulation, int64_t(2));  // not on any page: kept from the run
        QCOMPARE(built->lora.r, 6);
        QCOMPARE(built->lora.alpha, 12.0);
        QVERIFY(built->lora.useRslora);
        QCOMPARE(built->dataFile, fs::path(dataset_.toStdString()));
        QCOMPARE(fs::path(built->modelDir).lexically_normal(), fs::path(uitest::kTrainModel.toStdString()).lexically_normal());
        QVERIFY(built->outputDir != c.outputDir);
        QVERIFY(built->outputDir != fs::path(dir_.filePath("elsewhere").toStdString()));
        // The targets are the run's: the four attention projections of every layer.
        std::set<std::string> kinds;
        for (const auto& m : built->lora.targetModules)
            kinds.insert(m.substr(m.rfind('.') + 1));
        QCOMPARE(kinds, (std::set<std::string>{"q_proj", "k_proj", "v_proj", "o_proj"}));
    }

    void resumeContinuesTheRecordedRun()
    {
        MainWindow w;
        w.show();
        QVERIFY(prepare(w));
        TrainPage* train = w.trainPage();
        train->setOutputFolder(dir_.filePath("resumed"));
        train->setSteps(30);
        QSignalSpy finished(train->run(), &TrainingRun::finished);
        train->start();
        QTRY_VERIFY_WITH_TIMEOUT(train->run()->history().size() >= 6, 120000);
        train->stop();
        QVERIFY(finished.wait(60000));
        QCOMPARE(train->run()->result().status, lora::TrainingStatus::Stopped);
        const int64_t stoppedAt = train->run()->result().finalMetrics->step;
        QVERIFY(stoppedAt < 30);

        lora::RunStore store(lora::RunStore::defaultPath());
        const auto stopped = store.runs().front();  // newest first
        QCOMPARE(stopped.status, lora::RunStatus::Stopped);
        QCOMPARE(stopped.stepsDone, stoppedAt);
        QCOMPARE(store.lastGoodCheckpoint(stopped.id)->step, stoppedAt);

        selectRun(w, stopped.id);
        click(w.runsPage(), "resumeButton");
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget*>(train));
        QVERIFY(train->run()->isActive());
        QVERIFY(finished.wait(120000));
        const auto result = train->run()->result();
        QVERIFY2(result.status == lora::TrainingStatus::Completed, result.error.c_str());
        QCOMPARE(result.finalMetrics->step, int64_t(30));
        QCOMPARE(train->run()->history().front().step, stoppedAt + 1);  // it went on from the checkpoint

        const auto done = store.run(stopped.id);
        QCOMPARE(done->status, lora::RunStatus::Completed);
        QCOMPARE(done->stepsDone, int64_t(30));
        QCOMPARE(done->totalSteps, int64_t(30));
        QCOMPARE(store.runs().size(), size_t(1) + 1);  // the earlier test's run and this one: no new record
        const auto losses = store.metrics(stopped.id, "train", "loss");
        QCOMPARE(losses.size(), size_t(30));
        std::set<int64_t> steps;
        for (const auto& m : losses)
            steps.insert(m.step);
        QCOMPARE(steps.size(), size_t(30));
        QCOMPARE(*steps.begin(), int64_t(1));
        QCOMPARE(*steps.rbegin(), int64_t(30));
        QVERIFY(!store.adapters().empty());  // the completed run's adapter went into the library
    }
};

QTEST_MAIN(TestRunAgainResume)
#include "test_run_again_resume.moc"
