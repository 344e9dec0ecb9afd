// TrainingJob: start() does not block, stop and pause take effect between optimizer steps, exactly one result,
// and the failures a user meets (empty data, a diverging run) end with a clear message.
#include "lora/training_job.h"
#include "train_test_support.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

using namespace lora;
using namespace std::chrono_literals;

class TestTrainingJob final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stopTakesEffectWithinOneStep()
    {
        QTemporaryDir tmp;
        auto config = test::smallRun(test::writeTextRows(test::tempPath(tmp), 16), test::tempPath(tmp) / "out");
        config.maxSteps = 50;
        TrainingJob job(config);
        std::atomic<int64_t> lastStep{0};
        std::atomic<int> results{0};
        const int64_t stopAt = 3;
        job.onProgress([&](const TrainingProgress& p) {
            lastStep = p.step;
            if (p.step == stopAt)
                job.stop();
        });
        job.onResult([&](const TrainingResult&) { ++results; });
        job.start();
        const auto result = job.wait();
        QCOMPARE(statusName(result.status), std::string("stopped"));
        QVERIFY(result.finalMetrics);
        QVERIFY2(result.finalMetrics->step == stopAt || result.finalMetrics->step == stopAt + 1,
                 qPrintable(QString("stopped at step %1").arg(result.finalMetrics->step)));
        QVERIFY(lastStep <= stopAt + 1);
        QCOMPARE(results.load(), 1);
        // A stopped run keeps its work: the adapter and a checkpoint to resume from.
        QVERIFY(std::filesystem::exists(result.adapterDir / "adapter_model.safetensors"));
        QVERIFY(std::filesystem::exists(result.lastCheckpoint / "trainer_state.json"));
    }

    void pauseHoldsAndResumeFinishes()
    {
        QTemporaryDir tmp;
        auto config = test::smallRun(test::writeTextRows(test::tempPath(tmp), 16), test::tempPath(tmp) / "out");
        config.maxSteps = 6;
        TrainingJob job(config);
        std::atomic<int64_t> lastStep{0};
        job.onProgress([&](const TrainingProgress& p) {
            lastStep = p.step;
            if (p.step == 2)
                job.pause();  // from the callback: the next step must not start
        });
        const auto started = std::chrono::steady_clock::now();
        job.start();
        // start() returns at once; training goes on in the job's thread.
        QVERIFY(std::chrono::steady_clock::now() - started < 2s);
        QTRY_COMPARE_WITH_TIMEOUT(lastStep.load(), int64_t{2}, 60000);
        QVERIFY(job.isPaused());
        std::this_thread::sleep_for(600ms);
        QCOMPARE(lastStep.load(), int64_t{2});  // no progress while paused
        QVERIFY(!job.isFinished());
        job.resume();
        const auto result = job.wait();
        QCOMPARE(statusName(result.status), std::string("completed"));
        QCOMPARE(result.finalMetrics->step, int64_t{6});
        // Paused time is not training time.
        QVERIFY(result.finalMetrics->elapsedSeconds < std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() - 0.5);
    }

    void emptyDatasetFailsBeforeTraining()
    {
        QTemporaryDir tmp;
        const auto data = test::tempPath(tmp) / "empty.jsonl";
        std::ofstream(data).close();
        auto config = test::smallRun(data, test::tempPath(tmp) / "out");
        int progressCalls = 0;
        TrainingCallbacks callbacks;
        callbacks.progress = [&](const TrainingProgress&) { ++progressCalls; };
        const auto result = runTraining(config, callbacks);
        QCOMPARE(statusName(result.status), std::string("failed"));
        QVERIFY2(QString::fromStdString(result.error).contains("empty.jsonl"), result.error.c_str());
        QCOMPARE(progressCalls, 0);
        QVERIFY(!result.finalMetrics);
    }

    void divergingRunFailsNamingTheStep()
    {
        QTemporaryDir tmp;
        auto config = test::smallRun(test::writeTextRows(test::tempPath(tmp), 16), test::tempPath(tmp) / "out");
        config.learningRate = 1e30;  // the first update makes the weights overflow
        config.maxGradNorm = 0;
        config.saveSteps = 1;
        config.maxSteps = 20;
        int64_t lastGoodStep = 0;
        TrainingCallbacks callbacks;
        callbacks.progress = [&](const TrainingProgress& p) { lastGoodStep = p.step; };
        const auto result = runTraining(config, callbacks);
        QCOMPARE(statusName(result.status), std::string("failed"));
        const auto failedStep = QString("step %1:").arg(lastGoodStep + 1);
        QVERIFY2(QString::fromStdString(result.error).startsWith(failedStep), result.error.c_str());
        const auto error = QString::fromStdString(result.error);
        QVERIFY2(error.contains("loss is nan", Qt::CaseInsensitive) || error.contains("loss is inf") ||
                     error.contains("gradient norm is"),
                 result.error.c_str());
        QVERIFY(lastGoodStep >= 1);
        // The last good checkpoint stays, and nothing was written for the failed step.
        QVERIFY(std::filesystem::exists(result.lastCheckpoint / "trainer_state.json"));
        QVERIFY(result.lastCheckpoint.filename().string().ends_with(std::to_string(lastGoodStep)));
        char failedName[32];
        std::snprintf(failedName, sizeof failedName, "step-%06lld", static_cast<long long>(lastGoodStep + 1));
        QVERIFY(!std::filesystem::exists(config.outputDir / "checkpoints" / failedName));
    }

    void dataFileChangedDuringTrainingIsReported()
    {
        QTemporaryDir tmp;
        const auto root = test::tempPath(tmp);
        const auto data = test::writeTextRows(root, 16);
        auto config = test::smallRun(data, root / "out");
        config.saveSteps = 4;
        std::vector<std::string> log;
        TrainingCallbacks callbacks;
        callbacks.log = [&](const std::string& line) { log.push_back(line); };
        callbacks.progress = [&](const TrainingProgress& p) {
            if (p.step == 2)  // the user edits the dataset while it trains
                std::ofstream(data, std::ios::app) << "{\"text\": \"a row added during training\"}\n";
        };
        const auto result = runTraining(config, callbacks);
        // The run trains on what it read at the start, to the end, and says the file changed.
        QCOMPARE(statusName(result.status), std::string("completed"));
        QCOMPARE(result.finalMetrics->step, int64_t{12});
        const auto warned = std::count_if(log.begin(), log.end(), [&](const std::string& line) {
            return line.find("changed on disk") != std::string::npos && line.find(data.string()) != std::string::npos;
        });
        QCOMPARE(warned, 1);  // once, not at every checkpoint

        // Resuming against the edited file is refused with a message, not continued on other data.
        auto resume = test::smallRun(data, root / "out");
        resume.resumeFrom = root / "out" / "checkpoints" / "step-000004";
        const auto resumed = runTraining(resume);
        QCOMPARE(statusName(resumed.status), std::string("failed"));
        QVERIFY2(QString::fromStdString(resumed.error).contains("another data stream"), resumed.error.c_str());
    }

    void badSettingsFailBeforeLoading()
    {
        TrainingConfig config;
        config.modelDir = test::fixtureModel("gpt2_train");
        config.dataFile = "unused.jsonl";
        config.batchSize = 0;
        const auto result = runTraining(config);
        QCOMPARE(statusName(result.status), std::string("failed"));
        QVERIFY2(QString::fromStdString(result.error).contains("batch size"), result.error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTrainingJob)
#include "test_training_job.moc"
