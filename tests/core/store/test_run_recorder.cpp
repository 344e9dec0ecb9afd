// The run recorder over real training runs on the gpt2_train fixture: the run's total step count is the trainer's
// (for a run sized by epochs: micro-batches per epoch x epochs, over the gradient accumulation), never 0, and
// planning a resume takes the last checkpoint and drops the metric rows past it.
#include "../train/train_test_support.h"

#include "lora/run_recorder.h"
#include "lora/run_store.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <set>

using namespace lora;

namespace {

// Trains `config` with a recorder on `db`, as lora-cli and lora-studio do; returns the recorded run's id.
int64_t trainRecorded(const TrainingConfig& config, const std::filesystem::path& db, TrainingResult* out = nullptr,
                      std::function<bool(int64_t)> proceedAtStep = {})
{
    RecorderOptions options;
    options.database = db;
    RunRecorder recorder(config, options);
    int64_t step = 0;
    TrainingCallbacks callbacks;
    callbacks.progress = [&](const TrainingProgress& p) {
        step = p.step;
        recorder.progress(p);
    };
    callbacks.checkpoint = [&](const std::filesystem::path& dir, int64_t s) { recorder.checkpoint(dir, s); };
    callbacks.proceed = [&] { return !proceedAtStep || proceedAtStep(step); };
    const auto result = runTraining(config, callbacks);
    recorder.finish(result);
    if (out)
        *out = result;
    return recorder.runId();
}

std::set<int64_t> lossSteps(const RunStore& store, int64_t run)
{
    std::set<int64_t> steps;
    for (const auto& m : store.metrics(run, "train", "loss"))
        steps.insert(m.step);
    return steps;
}

}  // namespace

class TestRunRecorder final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void epochSizedRunRecordsItsRealTotal_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("batch");
        QTest::addColumn<double>("epochs");
        QTest::addColumn<int>("accumulation");
        QTest::newRow("2 epochs, no accumulation") << 10 << 2 << 2.0 << 1;       // 5 batches x 2 = 10 steps
        QTest::newRow("1.5 epochs, accumulation 2") << 10 << 2 << 1.5 << 2;      // ceil(7.5 / 2) = 4 steps
        QTest::newRow("uneven batches, accumulation 3") << 11 << 2 << 2.0 << 3;  // ceil(6 x 2 / 3) = 4 steps
    }

    void epochSizedRunRecordsItsRealTotal()
    {
        QFETCH(int, rows);
        QFETCH(int, batch);
        QFETCH(double, epochs);
        QFETCH(int, accumulation);
        QTemporaryDir dir;
        const auto root = test::tempPath(dir);
        auto config = test::smallRun(test::writeTextRows(root, rows), root / "out");
        config.maxSteps = 0;
        config.epochs = epochs;
        config.batchSize = batch;
        config.gradientAccumulation = accumulation;
        TrainingResult result;
        const auto id = trainRecorded(config, root / "runs.sqlite", &result);
        QCOMPARE(result.status, TrainingStatus::Completed);

        const int64_t batchesPerEpoch = (rows + batch - 1) / batch;
        const auto expected = static_cast<int64_t>(std::ceil(epochs * double(batchesPerEpoch) / accumulation));
        RunStore store(root / "runs.sqlite");
        const auto run = store.run(id);
        QVERIFY(run);
        QCOMPARE(run->totalSteps, expected);
        QCOMPARE(run->stepsDone, expected);  // the run did take exactly that many steps
        QCOMPARE(int64_t(lossSteps(store, id).size()), expected);
    }

    void stepSizedRunKnowsItsTotalFromTheStart()
    {
        QTemporaryDir dir;
        const auto root = test::tempPath(dir);
        auto config = test::smallRun(test::writeTextRows(root, 10), root / "out");
        config.maxSteps = 7;
        RecorderOptions options;
        options.database = root / "runs.sqlite";
        RunRecorder recorder(config, options);  // before any step
        QCOMPARE(RunStore(options.database).run(recorder.runId())->totalSteps, int64_t(7));
    }

    void planResumeStartsFromTheLastCheckpoint()
    {
        QTemporaryDir dir;
        const auto root = test::tempPath(dir);
        const auto db = root / "runs.sqlite";
        auto config = test::smallRun(test::writeTextRows(root, 10), root / "out");
        config.saveSteps = 4;
        TrainingResult result;
        // Stopped before step 7: checkpoints at 4 and (on stop) 6.
        const auto id = trainRecorded(config, db, &result, [](int64_t step) { return step < 6; });
        QCOMPARE(result.status, TrainingStatus::Stopped);
        RunStore store(db);
        QCOMPARE(store.run(id)->status, RunStatus::Stopped);
        QCOMPARE(store.run(id)->totalSteps, int64_t(12));
        const auto plan = planResume(store, id);
        QVERIFY(plan.checkpoint);
        QCOMPARE(plan.checkpoint->step, int64_t(6));
        QCOMPARE(plan.config.resumeFrom, std::filesystem::path(plan.checkpoint->path));
        QCOMPARE(plan.config.maxSteps, int64_t(12));
        QCOMPARE(lossSteps(store, id), (std::set<int64_t>{1, 2, 3, 4, 5, 6}));

        // Resumed into the same record: it completes with every step once.
        RecorderOptions again;
        again.database = db;
        again.resumeRun = id;
        const auto resumed = [&] {
            RunRecorder recorder(plan.config, again);
            TrainingCallbacks callbacks;
            callbacks.progress = [&](const TrainingProgress& p) { recorder.progress(p); };
            callbacks.checkpoint = [&](const std::filesystem::path& d, int64_t s) { recorder.checkpoint(d, s); };
            const auto r = runTraining(plan.config, callbacks);
            recorder.finish(r);
            return r;
        }();
        QCOMPARE(resumed.status, TrainingStatus::Completed);
        QCOMPARE(store.run(id)->status, RunStatus::Completed);
        QCOMPARE(lossSteps(store, id).size(), size_t(12));
        QCOMPARE(store.metrics(id, "train", "loss").size(), size_t(12));  // no step twice
        // A completed run is not resumed; the message names the database.
        try {
            planResume(store, id);
            QFAIL("a completed run was planned for resume");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(db.string()) != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("completed") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestRunRecorder)
#include "test_run_recorder.moc"
