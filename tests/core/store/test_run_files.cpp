// removeRunFiles: the output folder named in a run record is only trusted to hold what a run writes.
#include "lora/run_files.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p, const char* text = "x")
{
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// The layout a LoRA run leaves behind (trainer.cpp, checkpoint.cpp).
void writeRun(const fs::path& dir)
{
    touch(dir / "adapter_config.json");
    touch(dir / "adapter_model.safetensors");
    touch(dir / "metrics.jsonl");
    touch(dir / "initial_adapter" / "adapter_config.json");
    touch(dir / "initial_adapter" / "adapter_model.safetensors");
    for (const char* step : {"step-000010", "step-000020"}) {
        touch(dir / "checkpoints" / step / "trainer_state.json");
        touch(dir / "checkpoints" / step / "trainable.safetensors");
    }
}

}  // namespace

class TestRunFiles : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path root() const { return fs::path(tmp_.path().toStdString()); }

private Q_SLOTS:
    void aRunFolderIsRemovedWhole()
    {
        const auto dir = root() / "run";
        writeRun(dir);
        const auto r = lora::removeRunFiles(dir);
        QVERIFY(r.folderRemoved);
        QVERIFY(r.leftAlone.empty());
        QVERIFY(!fs::exists(dir));
        QCOMPARE(r.removed, 3 + 2 + 1 + 2 + 1 + 1);  // files, initial files + folder, checkpoints + folder, run folder
    }

    void theUsersOwnFilesStay()
    {
        const auto dir = root() / "project";
        writeRun(dir);
        touch(dir / "thesis.tex", "my work");
        touch(dir / "data" / "train.jsonl");
        touch(dir / "checkpoints" / "best-by-hand" / "notes.txt");  // not a step-N checkpoint
        touch(dir / "checkpoints" / "step-12x" / "file");            // not a step number
        const auto r = lora::removeRunFiles(dir);
        QVERIFY(!r.folderRemoved);
        QVERIFY(fs::exists(dir / "thesis.tex"));
        QVERIFY(fs::exists(dir / "data" / "train.jsonl"));
        QVERIFY(fs::exists(dir / "checkpoints" / "best-by-hand" / "notes.txt"));
        QVERIFY(fs::exists(dir / "checkpoints" / "step-12x" / "file"));
        QVERIFY(!fs::exists(dir / "checkpoints" / "step-000010"));
        QVERIFY(!fs::exists(dir / "adapter_model.safetensors"));
        QVERIFY(!fs::exists(dir / "initial_adapter"));
        QCOMPARE(r.leftAlone.size(), size_t(4));
    }

    void linksAreNeverFollowed()
    {
        const auto elsewhere = root() / "elsewhere";
        touch(elsewhere / "step-000001" / "precious");
        touch(elsewhere / "adapter_model.safetensors", "precious");
        const auto dir = root() / "linked";
        fs::create_directories(dir / "checkpoints");
        fs::create_directory_symlink(elsewhere / "step-000001", dir / "checkpoints" / "step-000001");
        fs::create_symlink(elsewhere / "adapter_model.safetensors", dir / "adapter_model.safetensors");
        fs::create_directory_symlink(elsewhere, root() / "run-link");

        lora::removeRunFiles(root() / "run-link");  // the run folder itself is a link: nothing happens
        QVERIFY(fs::exists(elsewhere / "adapter_model.safetensors"));

        lora::removeRunFiles(dir);
        QVERIFY(fs::exists(elsewhere / "step-000001" / "precious"));
        QVERIFY(fs::exists(elsewhere / "adapter_model.safetensors"));
        QVERIFY(!fs::exists(fs::symlink_status(dir / "adapter_model.safetensors")));  // the link itself went
    }

    void aFolderWithNoRunInItIsUntouched()
    {
        const auto dir = root() / "home";
        touch(dir / "documents" / "a.txt");
        touch(dir / "config.json");
        const auto r = lora::removeRunFiles(dir);
        QCOMPARE(r.removed, 0);
        QVERIFY(fs::exists(dir / "documents" / "a.txt"));
        QVERIFY(fs::exists(dir / "config.json"));
        QCOMPARE(lora::removeRunFiles(root() / "missing").removed, 0);
        QCOMPARE(lora::removeRunFiles({}).removed, 0);
    }
};

QTEST_GUILESS_MAIN(TestRunFiles)
#include "test_run_files.moc"
