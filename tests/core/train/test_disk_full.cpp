// A full disk while writing a checkpoint, an adapter or a merged model (simulated with RLIMIT_FSIZE: writes past
// the limit fail with EFBIG, as they would with ENOSPC): the run ends with a clear message, the previous files are
// intact byte for byte, no half-written file is left behind, and the run resumes from its last good checkpoint.
#include "lora/adapter.h"
#include "lora/error.h"
#include "lora/model.h"
#include "lora/training.h"
#include "train_test_support.h"

#include <csignal>
#include <sys/resource.h>

using namespace lora;
namespace fs = std::filesystem;

namespace {

// While alive, no regular file of this process may grow past `bytes`. SIGXFSZ is ignored so write() fails with
// EFBIG instead of killing the test.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &saved_);
        rlimit limited = saved_;
        limited.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limited);
    }
    ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved_); }  // the soft limit may go back up to the hard one

private:
    rlimit saved_{};
};

std::string contents(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Every file under dir with its bytes, to show nothing changed.
std::map<std::string, std::string> snapshot(const fs::path& dir)
{
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            files[fs::relative(e.path(), dir).string()] = contents(e.path());
    return files;
}

// Names of temporary files the atomic writers would leave if they did not clean up.
QStringList leftovers(const fs::path& dir)
{
    QStringList found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const auto name = QString::fromStdString(e.path().filename().string());
        if (name.contains(".tmp") || name.startsWith(".") || name.contains("partial"))
            found << name;
    }
    return found;
}

}  // namespace

class TestDiskFull final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void checkpointOnAFullDiskEndsTheRunAndItResumes()
    {
        QTemporaryDir tmp;
        const auto root = test::tempPath(tmp);
        const auto data = test::writeTextRows(root, 20);
        const auto whole = runTraining(test::smallRun(data, root / "whole"));
        QCOMPARE(statusName(whole.status), std::string("completed"));

        auto config = test::smallRun(data, root / "run");
        config.saveSteps = 4;
        std::unique_ptr<FileSizeLimit> full;
        TrainingCallbacks callbacks;
        // After the step-4 checkpoint is safely written, the disk fills up before the one at step 8.
        callbacks.progress = [&](const TrainingProgress& p) {
            if (p.step == 6)
                full = std::make_unique<FileSizeLimit>(512);
        };
        const auto failed = runTraining(config, callbacks);
        const auto checkpoints = root / "run" / "checkpoints";
        const auto before = snapshot(checkpoints);  // read before the limit goes: reading is not writing
        full.reset();

        QCOMPARE(statusName(failed.status), std::string("failed"));
        QVERIFY2(QString::fromStdString(failed.error).contains("File too large"), failed.error.c_str());
        QVERIFY2(QString::fromStdString(failed.error).contains(QString::fromStdString(root.string())),
                 failed.error.c_str());
        QVERIFY(fs::exists(checkpoints / "step-000004"));
        QVERIFY(!fs::exists(checkpoints / "step-000008"));
        QVERIFY2(leftovers(root / "run").isEmpty(), qPrintable(leftovers(root / "run").join(", ")));
        QCOMPARE(snapshot(checkpoints), before);

        auto resumed = test::smallRun(data, root / "run");
        resumed.resumeFrom = checkpoints / "step-000004";
        const auto done = runTraining(resumed);
        QCOMPARE(statusName(done.status), std::string("completed"));
        QCOMPARE(done.finalMetrics->step, int64_t{12});
        QCOMPARE(done.finalMetrics->trainLoss, whole.finalMetrics->trainLoss);
    }

    void adapterAndMergedModelOnAFullDiskKeepThePreviousFiles()
    {
        QTemporaryDir tmp;
        const auto root = test::tempPath(tmp);
        auto model = Model::load(test::fixtureModel("gpt2_train"));
        LoraConfig config;
        config.targetModules = {"c_attn"};
        config.r = 4;
        auto adapter = Adapter::create(*model, config, 1);
        adapter->save(root / "adapter");
        adapter->saveMerged(root / "merged");
        const auto adapterBefore = snapshot(root / "adapter");
        const auto mergedBefore = snapshot(root / "merged");

        auto other = Adapter::create(*model, config, 2);  // different weights: a successful save would change bytes
        for (const auto& [what, save] : std::vector<std::pair<QString, std::function<void()>>>{
                 {"adapter", [&] { other->save(root / "adapter"); }},
                 {"merged", [&] { other->saveMerged(root / "merged"); }}}) {
            std::string error;
            {
                FileSizeLimit full(512);
                try {
                    save();
                } catch (const Error& e) {
                    error = e.what();
                }
            }
            QVERIFY2(QString::fromStdString(error).contains("File too large"), qPrintable(what + ": " + error.c_str()));
            QVERIFY2(QString::fromStdString(error).contains(QString::fromStdString((root / what.toStdString()).string())),
                     error.c_str());
        }
        QCOMPARE(snapshot(root / "adapter"), adapterBefore);
        QCOMPARE(snapshot(root / "merged"), mergedBefore);
        QVERIFY2(leftovers(root).isEmpty(), qPrintable(leftovers(root).join(", ")));
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "test_disk_full.moc"
