// File > Export for a Cluster… and Import Run Record…: the dialog writes run.json (read back as the same
// configuration), launch.sh with the exact torchrun command and a Slurm script, and remembers its choices; a
// run folder as lora-cli's rank 0 leaves it (adapter, metrics.jsonl, checkpoints) becomes a completed run with
// its metrics and its adapter linked to it; a folder without an adapter or with a broken metrics line is
// refused with a message naming it, and nothing is recorded.
#include "cluster/cluster_actions.h"
#include "cluster/cluster_export_dialog.h"
#include "runs/run_database.h"
#include "ui_test_support.h"

#include "lora/run_store.h"
#include "lora/training.h"

#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QWidget>

#include <fstream>
#include <iomanip>

namespace {

std::string readAll(const std::filesystem::path& file)
{
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path pathOf(const QString& s) { return std::filesystem::path(s.toStdU16String()); }

}  // namespace

class TestClusterExport final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    lora::TrainingConfig config(const std::filesystem::path& out) const
    {
        lora::TrainingConfig c;
        c.modelDir = pathOf(uitest::kTrainModel);
        c.dataFile = pathOf(uitest::writeInstructionDataset(dir_.path()));
        c.dataset.maxLength = 128;  // the fixture model's positions
        c.outputDir = out;
        c.lora.r = 4;
        c.maxSteps = 4;
        c.batchSize = 3;
        c.saveSteps = 2;
        c.learningRate = 1e-2;
        c.seed = 11;
        c.threads = 1;
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        uitest::isolate(dir_.path());
    }

    void exportWritesRunFileAndCommands()
    {
        const auto cfg = config("/cluster/scratch/run-1");
        const QString folder = dir_.filePath("export with space");
        {
            ClusterExportDialog dialog(cfg);
            dialog.folderEdit()->setText(folder);
            dialog.processesPerNodeBox()->setValue(3);
            dialog.nodesBox()->setValue(2);
            const auto configFile = pathOf(folder) / "run.json";
            const QString command = QString::fromStdString("torchrun --nproc-per-node 3 --no-python lora-cli train "
                                                           "--config '" + configFile.string() + "'");
            QVERIFY2(dialog.preview()->toPlainText().contains(command), qPrintable(dialog.preview()->toPlainText()));
            QVERIFY(dialog.preview()->toPlainText().contains("global batch of 9"));  // 3 per rank × 3 ranks

            QCOMPARE(dialog.exportFiles(), QString());
            const auto& files = dialog.written();
            QCOMPARE(lora::trainingConfigToJson(lora::readTrainingConfig(files.config)), lora::trainingConfigToJson(cfg));
            QCOMPARE(QString::fromStdString(readAll(files.launchScript)), dialog.preview()->toPlainText());
            const QString slurm = QString::fromStdString(readAll(files.slurmScript));
            QVERIFY(slurm.startsWith("#!/bin/bash\n#SBATCH"));
            QVERIFY(slurm.contains("#SBATCH --nodes=2\n"));
            QVERIFY(slurm.contains("--nproc-per-node 3"));
            QVERIFY(slurm.contains("--node-rank \"$SLURM_NODEID\""));
            QVERIFY(slurm.contains("global batch of 18"));  // 3 per rank × 6 ranks
            QVERIFY(std::filesystem::status(files.launchScript).permissions() != std::filesystem::perms::none);
            QVERIFY((std::filesystem::status(files.launchScript).permissions() & std::filesystem::perms::owner_exec) !=
                    std::filesystem::perms::none);
        }
        ClusterExportDialog again(cfg);  // the choices survive, as after a restart
        QCOMPARE(again.folderEdit()->text(), folder);
        QCOMPARE(again.processesPerNodeBox()->value(), 3);
        QCOMPARE(again.nodesBox()->value(), 2);
    }

    void exportIntoAFileIsRefused()
    {
        const QString blocker = dir_.filePath("a-file");
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        ClusterExportDialog dialog(config("/tmp/x"));
        dialog.folderEdit()->setText(blocker + "/inside");
        const QString problem = dialog.exportFiles();
        QVERIFY2(problem.contains(blocker), qPrintable(problem));
    }

    void importBringsTheRunBack()
    {
        // A run folder as lora-cli's rank 0 writes it: the adapter, checkpoints/ and metrics.jsonl.
        const auto out = pathOf(dir_.filePath("came-back"));
        std::vector<lora::TrainingProgress> steps;
        lora::TrainingCallbacks callbacks;
        callbacks.progress = [&](const lora::TrainingProgress& p) { steps.push_back(p); };
        const auto result = lora::runTraining(config(out), callbacks);
        QVERIFY2(result.status == lora::TrainingStatus::Completed, result.error.c_str());
        {
            std::ofstream metrics(out / "metrics.jsonl");
            for (const auto& p : steps)
                metrics << "{\"step\":" << p.step << ",\"total_steps\":" << p.totalSteps << ",\"epoch\":" << p.epoch
                        << ",\"tokens\":" << p.tokens << ",\"train_loss\":" << std::setprecision(17) << p.trainLoss
                        << ",\"val_loss\":null,\"learning_rate\":" << p.learningRate << ",\"grad_norm\":" << p.gradNorm
                        << ",\"tokens_per_second\":1,\"elapsed_seconds\":" << p.elapsedSeconds << "}\n";
        }

        const auto db = pathOf(dir_.filePath("runs.sqlite"));
        RunDatabase database(db);
        QWidget window;
        ClusterActions actions([] { return std::optional<lora::TrainingConfig>(); }, &database, &window);
        QSignalSpy imported(&actions, &ClusterActions::runImported);
        QSignalSpy failed(&actions, &ClusterActions::importFailed);
        actions.importFolder(QString::fromStdU16String(out.u16string()));
        QVERIFY(imported.wait(60000) || !imported.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        const qint64 runId = imported.first().first().toLongLong();
        QVERIFY(imported.first().at(1).toString().contains("4 steps"));

        lora::RunStore store(db);
        const auto run = store.run(runId);
        QVERIFY(run);
        QCOMPARE(run->status, lora::RunStatus::Completed);
        QCOMPARE(run->stepsDone, int64_t{4});
        QCOMPARE(run->totalSteps, int64_t{4});
        QVERIFY(run->finalTrainLoss);
        QCOMPARE(*run->finalTrainLoss, steps.back().trainLoss);
        QCOMPARE(run->tags, std::vector<std::string>{"cluster"});
        QCOMPARE(store.metrics(runId, "train", "loss").size(), size_t{4});
        const auto adapters = store.adapters();
        QCOMPARE(adapters.size(), size_t{1});
        QCOMPARE(adapters[0].runId, std::optional<int64_t>(runId));
        QCOMPARE(adapters[0].sha256, lora::fileSha256(out / "adapter_model.safetensors"));
    }

    void badFoldersAreRefused_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::newRow("no adapter") << "holds no adapter";
        QTest::newRow("broken metrics") << "metrics.jsonl: line 2 is not a metrics line";
    }

    void badFoldersAreRefused()
    {
        QFETCH(QString, problem);
        const auto folder = pathOf(dir_.filePath(QString("bad-") + QTest::currentDataTag()));
        std::filesystem::create_directories(folder);
        if (problem.contains("metrics")) {
            QVERIFY2(std::filesystem::exists(pathOf(dir_.filePath("came-back"))),
                     "importBringsTheRunBack writes the run folder this case breaks");
            std::filesystem::copy(pathOf(dir_.filePath("came-back")), folder,
                                  std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
            std::ofstream(folder / "metrics.jsonl") << "{\"step\":1,\"train_loss\":2.5}\n{\"step\":\"two\"}\n";
        }
        const auto db = pathOf(dir_.filePath("bad.sqlite"));
        RunDatabase database(db);
        QWidget window;
        ClusterActions actions([] { return std::optional<lora::TrainingConfig>(); }, &database, &window);
        QSignalSpy failed(&actions, &ClusterActions::importFailed);
        actions.importFolder(QString::fromStdU16String(folder.u16string()));
        QVERIFY(failed.wait(60000) || !failed.isEmpty());
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(problem), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(folder.string())), qPrintable(message));
        if (std::filesystem::exists(db))
            QVERIFY(lora::RunStore(db).runs().empty());  // nothing recorded
    }
};

QTEST_MAIN(TestClusterExport)
#include "test_cluster_export.moc"
