// Exact resume: a run interrupted and resumed from a checkpoint ends with the same adapter as the same run
// uninterrupted (shuffled data, LoRA dropout and gradient accumulation on, so the data position, the
// generator state and the optimizer moments all have to come back).
#include "engine/tensor_io.h"
#include "lora/training.h"
#include "train_test_support.h"

#include <torch/torch.h>

using namespace lora;

namespace {

TrainingConfig resumableRun(const std::filesystem::path& data, const std::filesystem::path& out)
{
    auto c = test::smallRun(data, out);
    c.lora.dropout = 0.1;
    c.gradientAccumulation = 2;
    c.schedule = LearningRateSchedule::Cosine;
    c.warmupSteps = 2;
    c.validationFraction = 0.2;
    c.evalSteps = 3;
    return c;
}

std::map<std::string, torch::Tensor> adapterOf(const std::filesystem::path& dir)
{
    return readAllTensors(dir / "adapter_model.safetensors");
}

void compareAdapters(const std::filesystem::path& a, const std::filesystem::path& b)
{
    const auto x = adapterOf(a);
    const auto y = adapterOf(b);
    QCOMPARE(x.size(), y.size());
    QVERIFY(!x.empty());
    for (const auto& [name, t] : x) {
        QVERIFY2(y.count(name), name.c_str());
        const double diff = (t - y.at(name)).abs().max().item<double>();
        QVERIFY2(diff <= 1e-7, qPrintable(QString("%1 differs by %2").arg(name.c_str()).arg(diff)));
    }
    // B starts at zero: a non-zero B shows the adapters were really trained.
    bool trained = false;
    for (const auto& [name, t] : x)
        trained = trained || (name.ends_with("lora_B.weight") && t.abs().max().item<double>() > 0);
    QVERIFY(trained);
}

}  // namespace

class TestCheckpointResume final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void resumedRunEqualsUninterrupted()
    {
        QTemporaryDir tmp;
        const auto root = test::tempPath(tmp);
        const auto data = test::writeTextRows(root, 20);

        const auto whole = runTraining(resumableRun(data, root / "whole"));
        QCOMPARE(statusName(whole.status), std::string("completed"));
        QCOMPARE(whole.finalMetrics->step, int64_t{12});

        // Interrupted at step 6 (a checkpoint is written when stopping; one at step 4 by save_steps).
        auto first = resumableRun(data, root / "parts");
        first.saveSteps = 4;
        int64_t done = 0;
        TrainingCallbacks stopAtSix;
        stopAtSix.progress = [&](const TrainingProgress& p) { done = p.step; };
        stopAtSix.proceed = [&] { return done < 6; };
        const auto stopped = runTraining(first, stopAtSix);
        QCOMPARE(statusName(stopped.status), std::string("stopped"));
        QCOMPARE(stopped.lastCheckpoint.filename().string(), std::string("step-000006"));

        auto second = resumableRun(data, root / "parts");
        second.resumeFrom = stopped.lastCheckpoint;
        std::vector<int64_t> steps;
        TrainingCallbacks record;
        record.progress = [&](const TrainingProgress& p) { steps.push_back(p.step); };
        const auto resumed = runTraining(second, record);
        QCOMPARE(statusName(resumed.status), std::string("completed"));
        QCOMPARE(steps, (std::vector<int64_t>{7, 8, 9, 10, 11, 12}));
        QCOMPARE(resumed.finalMetrics->trainLoss, whole.finalMetrics->trainLoss);
        QCOMPARE(resumed.finalMetrics->tokens, whole.finalMetrics->tokens);
        QVERIFY(resumed.finalMetrics->valLoss && whole.finalMetrics->valLoss);
        QCOMPARE(*resumed.finalMetrics->valLoss, *whole.finalMetrics->valLoss);
        compareAdapters(whole.adapterDir, resumed.adapterDir);

        // The periodic checkpoint (step 4) resumes exactly too.
        auto fromFour = resumableRun(data, root / "from4");
        fromFour.resumeFrom = root / "parts" / "checkpoints" / "step-000004";
        const auto again = runTraining(fromFour);
        QCOMPARE(statusName(again.status), std::string("completed"));
        compareAdapters(whole.adapterDir, again.adapterDir);
    }

    void resumeRefusesAnotherDataStream()
    {
        QTemporaryDir tmp;
        const auto root = test::tempPath(tmp);
        const auto data = test::writeTextRows(root, 20);
        auto first = resumableRun(data, root / "a");
        first.maxSteps = 2;
        first.saveSteps = 2;
        const auto done = runTraining(first);
        QCOMPARE(statusName(done.status), std::string("completed"));
        auto other = resumableRun(data, root / "b");
        other.batchSize = 3;  // another batching: the checkpoint's data position means nothing here
        other.resumeFrom = done.lastCheckpoint;
        const auto refused = runTraining(other);
        QCOMPARE(statusName(refused.status), std::string("failed"));
        QVERIFY2(QString::fromStdString(refused.error).contains("data stream"), refused.error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestCheckpointResume)
#include "test_checkpoint_resume.moc"
