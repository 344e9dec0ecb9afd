// The session's run database in the window: a corrupt file and a locked file (another connection holding an
// exclusive lock) each show a message on the Runs page naming the file, with "Start a New Database"; pressing it
// leaves the old file's bytes exactly as they were, moves both the Runs page and training onto the new file (a
// run trained next lands there), and the choice survives a restart until "Use the Default Run Database".
#include "ui_test_support.h"

#include "adapter/adapter_page.h"
#include "data/message_banner.h"
#include "runs/run_database.h"
#include "runs/runs_model.h"
#include "runs/runs_page.h"
#include "train/train_page.h"

#include "lora/run_store.h"

#include <SQLiteCpp/Database.h>

#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>

#include <fstream>
#include <iterator>

namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

}  // namespace

class TestRunDatabase final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    int window_ = 0;

    fs::path root() const { return fs::path(dir_.path().toStdString()); }

    // A window whose remembered run database is `file`, its Runs page loaded.
    std::unique_ptr<MainWindow> windowOn(const fs::path& file)
    {
        QSettings().setValue("runs/database", str(file));
        auto w = std::make_unique<MainWindow>();
        QSignalSpy loaded(w->runsPage(), &RunsPage::loaded);
        if (!loaded.wait(30000))  // a locked file answers after the 5 s busy timeout
            return nullptr;
        return w;
    }

    // The message names the file and offers the way on; pressing it switches the session to the fresh file.
    void startNewDatabaseFrom(MainWindow& w, const fs::path& file, const char* says)
    {
        RunsPage* page = w.runsPage();
        QVERIFY(page->problem());
        QCOMPARE(page->problem()->file, file);
        QVERIFY(page->banner()->isVisibleTo(page));
        QVERIFY2(page->banner()->text().contains(str(file).toHtmlEscaped()), qPrintable(page->banner()->text()));
        QVERIFY2(page->banner()->text().contains(says), qPrintable(page->banner()->text()));
        auto* button = page->findChild<QPushButton*>("newDatabaseButton");
        QVERIFY(button && button->isVisibleTo(page));
        const fs::path fresh = page->problem()->freshPath;
        QVERIFY(!fs::exists(fresh));
        QCOMPARE(fresh.parent_path(), file.parent_path());

        QSignalSpy loaded(page, &RunsPage::loaded);
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(loaded.wait(30000));
        QVERIFY2(!page->problem(), qPrintable(page->lastError()));
        QVERIFY(!page->banner()->isVisibleTo(page));
        QVERIFY(!button->isVisibleTo(page));
        QCOMPARE(page->database(), fresh);
        QCOMPARE(w.runDatabase()->path(), fresh);
        QCOMPARE(page->model()->rowCount(), 0);
        QCOMPARE(RunDatabase::rememberedPath(), fresh);  // the next start uses it too
    }

    // A short run from the Train page; returns once it finished.
    void trainThreeSteps(MainWindow& w)
    {
        QVERIFY(uitest::openModel(w, uitest::kTrainModel));
        w.dataPage()->setMaxLength(128);
        QVERIFY(uitest::openDataset(w, uitest::writeInstructionDataset(dir_.path())));
        w.adapterPage()->choosePreset(TargetPreset::QueryValue);
        TrainPage* train = w.trainPage();
        train->setOutputFolder(dir_.filePath(QStringLiteral("out-%1").arg(++window_)));
        train->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
        train->findChild<QSpinBox*>("batchSpin")->setValue(4);
        train->setSteps(3);
        QSignalSpy finished(train->run(), &TrainingRun::finished);
        train->start();
        QVERIFY(finished.wait(120000));
        QCOMPARE(train->run()->result().status, lora::TrainingStatus::Completed);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        uitest::isolate(dir_.path());
        qputenv("LORA_STUDIO_DB", dir_.filePath("default.sqlite").toUtf8());
    }

    void corruptDatabase()
    {
        const fs::path file = root() / "corrupt" / "runs.sqlite";
        fs::create_directories(file.parent_path());
        {
            std::ofstream out(file, std::ios::binary);
            out << std::string(4096, 'x');  // not an SQLite file at all
        }
        const std::string before = readAll(file);
        auto w = windowOn(file);
        QVERIFY(w);
        w->show();
        startNewDatabaseFrom(*w, file, "not a usable run database");
        if (QTest::currentTestFailed())
            return;
        const fs::path fresh = w->runDatabase()->path();
        trainThreeSteps(*w);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(readAll(file), before);
        lora::RunStore store(fresh);
        QCOMPARE(store.runs().size(), size_t(1));
        QCOMPARE(store.runs().front().status, lora::RunStatus::Completed);
        QCOMPARE(store.runs().front().stepsDone, int64_t(3));
        QVERIFY(!fs::exists(lora::RunStore::defaultPath()));  // nothing went to the default either

        // A restart opens the new file; File → Use the Default Run Database goes back (and is remembered).
        w.reset();
        MainWindow again;
        QCOMPARE(again.runDatabase()->path(), fresh);
        QCOMPARE(again.runsPage()->database(), fresh);
        again.runDatabase()->useDefault();
        QCOMPARE(again.runsPage()->database(), lora::RunStore::defaultPath());
        QCOMPARE(RunDatabase::rememberedPath(), lora::RunStore::defaultPath());
        QVERIFY(!QSettings().contains("runs/database"));
    }

    void lockedDatabase()
    {
        const fs::path file = root() / "locked" / "runs.sqlite";
        fs::create_directories(file.parent_path());
        {
            lora::RunStore store(file);
            store.createRun({.name = "before the lock"});
        }
        // Another program holds the file: an exclusive lock with a write pending.
        auto holder = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE);
        holder->exec("PRAGMA locking_mode=EXCLUSIVE");
        holder->exec("BEGIN EXCLUSIVE");
        holder->exec("UPDATE runs SET notes = 'held' WHERE id = 1");
        const std::string before = readAll(file);

        auto w = windowOn(file);
        QVERIFY(w);
        w->show();
        startNewDatabaseFrom(*w, file, "locked by another program");
        if (QTest::currentTestFailed())
            return;
        const fs::path fresh = w->runDatabase()->path();
        trainThreeSteps(*w);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(readAll(file), before);
        lora::RunStore store(fresh);
        QCOMPARE(store.runs().size(), size_t(1));
        QCOMPARE(store.runs().front().stepsDone, int64_t(3));

        holder->exec("ROLLBACK");
        holder.reset();  // the other program closes the file: the old history is intact
        QCOMPARE(lora::RunStore(file).runs().size(), size_t(1));
        QCOMPARE(lora::RunStore(file).runs().front().notes, std::string());
        QSettings().remove("runs/database");
    }
};

QTEST_MAIN(TestRunDatabase)
#include "test_run_database.moc"
