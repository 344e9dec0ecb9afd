// The "Compare with Full Fine-Tuning" dialog as a user drives it: Start runs both trainings through lora-cli
// without blocking the window, the table shows both sides, and both runs land in the run database; Stop ends
// the comparison with the LoRA run's checkpoint kept.
#include "compare/full_comparison_dialog.h"
#include "lora/run_store.h"

#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace fs = std::filesystem;

namespace {

lora::TrainingConfig smallConfig(const fs::path& root, int64_t steps)
{
    const auto data = root / "train.jsonl";
    std::ofstream out(data);
    for (int i = 0; i < 40; ++i)
        out << "{\"text\": \"the adapter learns a low rank update " << i << "\"}\n";
    lora::TrainingConfig c;
    c.modelDir = fs::path(LORA_FIXTURES_DIR) / "models" / "gpt2_train";
    c.dataFile = data;
    c.outputDir = root / "run";
    c.lora.targetModules = {"c_attn"};
    c.lora.r = 4;
    c.maxSteps = steps;
    c.batchSize = 4;
    c.validationFraction = 0.2;
    c.evalSteps = 2;
    c.threads = 1;
    return c;
}

QString cell(QTableWidget* table, const QString& row, int column)
{
    for (int i = 0; i < table->rowCount(); ++i)
        if (table->verticalHeaderItem(i)->text() == row)
            return table->item(i, column)->text();
    return {};
}

}  // namespace

class TestFullComparison : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bothRunsSideBySide()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        std::ofstream(root / "corpus.txt") << "base weights stay frozen during training\n\nand more text here\n";
        const auto db = root / "runs.sqlite";
        FullComparisonDialog dialog(smallConfig(root, 4), db);
        dialog.setCliPath(QStringLiteral(LORA_CLI_PATH));
        dialog.setCorpus(QString::fromStdString((root / "corpus.txt").string()));
        QSignalSpy finished(&dialog, &FullComparisonDialog::finished);
        dialog.start();
        QVERIFY(dialog.isRunning());  // start() returned at once: the window stays responsive
        QVERIFY(finished.wait(300000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(dialog.log()));

        QVERIFY(dialog.result());
        const auto& r = *dialog.result();
        QVERIFY(r.full.trainableParameters > r.lora.trainableParameters);
        QVERIFY(r.corpusLossBefore && r.lora.corpusLossAfter && r.full.corpusLossAfter);
        auto* table = dialog.table();
        QCOMPARE(cell(table, "Trainable parameters", 0), QLocale().toString(qint64(r.lora.trainableParameters)));
        QVERIFY(cell(table, "Trainable parameters", 2).endsWith("%"));
        QVERIFY(!cell(table, "Forgetting", 1).isEmpty() && cell(table, "Forgetting", 1) != "—");
        QVERIFY(dialog.outputFolder().endsWith("run-vs-full"));
        if (const QString shots = qEnvironmentVariable("LORA_TEST_SCREENSHOTS"); !shots.isEmpty())
            QVERIFY(dialog.grab().save(shots + "/full-comparison.png"));  // for looking at it

        const auto runs = lora::RunStore(db).runs();
        QCOMPARE(runs.size(), size_t(2));
        for (const auto& run : runs)
            QCOMPARE(lora::runStatusName(run.status), std::string("completed"));
    }

    void stopKeepsTheLoraCheckpoint()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        FullComparisonDialog dialog(smallConfig(root, 400), {});
        dialog.setCliPath(QStringLiteral(LORA_CLI_PATH));
        dialog.setCorpus({});
        QSignalSpy finished(&dialog, &FullComparisonDialog::finished);
        dialog.start();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.log().contains("step 2/"), 120000);
        dialog.cancel();
        QVERIFY(finished.wait(120000));
        QVERIFY(!finished.first().first().toBool());
        const fs::path lora = dialog.outputFolder().toStdString() + "/lora";
        QVERIFY2(fs::exists(lora / "checkpoints"), qPrintable(dialog.log()));
        QVERIFY(!fs::exists(dialog.outputFolder().toStdString() + "/full"));
    }
};

QTEST_MAIN(TestFullComparison)
#include "test_full_comparison.moc"
