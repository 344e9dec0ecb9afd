// Out of memory in the middle of a run (on CPU, made real with RLIMIT_AS; CUDA's OutOfMemoryError goes through the
// same handler): the run ends with a message saying how much it tried to allocate and what to change, a checkpoint
// of the last completed step is written, and resuming it once memory is free finishes the run exactly.
#include "lora/training.h"
#include "train_test_support.h"

#include <sys/resource.h>

#include <fstream>
#include <string>

using namespace lora;
namespace fs = std::filesystem;

namespace {

// The process's address space now (VmSize), in bytes.
rlim_t addressSpaceInUse()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmSize:", 0) == 0)
            return static_cast<rlim_t>(std::stoull(line.substr(7))) * 1024;
    return 0;
}

class AddressSpaceLimit {
public:
    explicit AddressSpaceLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_AS, &saved_);
        rlimit limited = saved_;
        limited.rlim_cur = bytes;
        setrlimit(RLIMIT_AS, &limited);
    }
    ~AddressSpaceLimit() { setrlimit(RLIMIT_AS, &saved_); }

private:
    rlimit saved_{};
};

// 2 batches of one-word rows, then a batch of rows as long as the model allows: the third step needs far more
// memory than the first two.
fs::path writeGrowingRows(const fs::path& dir, int batch)
{
    const auto file = dir / "growing.jsonl";
    std::ofstream out(file);
    for (int r = 0; r < 2 * batch; ++r)
        out << "{\"text\": \"a\"}\n";
    std::string longText;
    for (int w = 0; w < 200; ++w)
        longText += "the adapter learns ";
    for (int r = 0; r < batch; ++r)
        out << "{\"text\": \"" << longText << "\"}\n";
    return file;
}

TrainingConfig growingRun(const fs::path& data, const fs::path& out, int batch)
{
    auto c = test::smallRun(data, out);
    c.batchSize = batch;
    c.maxSteps = 3;
    c.shuffle = false;
    c.dataset.maxLength = 128;  // the fixture's n_positions
    return c;
}

}  // namespace

class TestOutOfMemory final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void outOfMemoryWritesACheckpointAndTheRunResumes()
    {
        QTemporaryDir tmp;
        const auto root = test::tempPath(tmp);
        constexpr int kBatch = 256;  // the long batch: 256 × 128 tokens × 1003 logits alone is 131 MB
        const auto data = writeGrowingRows(root, kBatch);

        std::unique_ptr<AddressSpaceLimit> limit;
        TrainingCallbacks callbacks;
        callbacks.progress = [&](const TrainingProgress& p) {
            if (p.step == 2)  // what steps 1 and 2 needed, plus 48 MB: not enough for the long batch
                limit = std::make_unique<AddressSpaceLimit>(addressSpaceInUse() + (48u << 20));
        };
        const auto failed = runTraining(growingRun(data, root / "run", kBatch), callbacks);
        limit.reset();

        QCOMPARE(statusName(failed.status), std::string("failed"));
        const auto error = QString::fromStdString(failed.error);
        qInfo("%s", failed.error.c_str());
        QVERIFY2(error.startsWith("step 3: out of memory"), failed.error.c_str());
        QVERIFY2(error.contains("allocate"), failed.error.c_str());       // how much it asked for
        QVERIFY2(error.contains("batch size"), failed.error.c_str());     // what to change
        QVERIFY2(!error.contains("Exception raised from"), failed.error.c_str());  // no C++ stack trace
        QCOMPARE(failed.lastCheckpoint.filename().string(), std::string("step-000002"));
        QVERIFY2(error.contains(QString::fromStdString(failed.lastCheckpoint.string())), failed.error.c_str());

        // Memory is free again: the run resumes at step 3 and matches one that never ran out.
        const auto whole = runTraining(growingRun(data, root / "whole", kBatch));
        QCOMPARE(statusName(whole.status), std::string("completed"));
        auto resume = growingRun(data, root / "run", kBatch);
        resume.resumeFrom = failed.lastCheckpoint;
        const auto resumed = runTraining(resume);
        QCOMPARE(statusName(resumed.status), std::string("completed"));
        QCOMPARE(resumed.finalMetrics->step, int64_t{3});
        QCOMPARE(resumed.finalMetrics->trainLoss, whole.finalMetrics->trainLoss);
    }
};

QTEST_GUILESS_MAIN(TestOutOfMemory)
#include "test_out_of_memory.moc"
