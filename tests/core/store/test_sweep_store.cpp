// Sweeps in the run store: the v3 -> v4 migration (sweeps table, runs.sweep_id and sweep_cell) keeps every old run,
// a sweep and its runs are created in one transaction, and a sweep left running by a dead process is interrupted.
#include "lora/run_store.h"
#include "store/store_db.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <QTemporaryDir>
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace lora;

namespace {

NewRun cellRun(const std::string& name, int64_t cell)
{
    NewRun r;
    r.name = name;
    r.configJson = "{}";
    r.totalSteps = 5;
    r.sweepCell = cell;
    r.trainableParams = 100 * (cell + 1);
    r.totalParams = 10000;
    return r;
}

}  // namespace

class TestSweepStore final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path dir() const { return tmp_.path().toStdString(); }

private Q_SLOTS:
    void migratesFromV3()
    {
        const auto file = dir() / "v3.sqlite";
        {
            SQLite::Database db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            store::migrate(db, 0, 3);
            db.exec("INSERT INTO runs (id, name, status, created_at, trainable_params, best_val_loss) "
                    "VALUES (4, 'before sweeps', 'completed', 1000, 512, 1.25)");
        }
        RunStore store(file);
        QCOMPARE(store.schemaVersionAtOpen(), 3);
        {
            SQLite::Database db(file);
            QCOMPARE(db.execAndGet("PRAGMA user_version").getInt(), 4);
            QVERIFY(db.tableExists("sweeps"));
            QCOMPARE(db.execAndGet("PRAGMA integrity_check").getString(), std::string("ok"));
            QCOMPARE(db.execAndGet("SELECT count(*) FROM runs WHERE sweep_id IS NULL AND sweep_cell IS NULL").getInt(), 1);
        }
        const auto old = store.run(4);
        QVERIFY(old);
        QCOMPARE(old->name, std::string("before sweeps"));
        QCOMPARE(old->trainableParams, int64_t(512));
        QCOMPARE(old->bestValLoss.value_or(0), 1.25);
        QVERIFY(!old->sweepId && !old->sweepCell);
        QVERIFY(store.sweeps().empty());

        // The migrated file holds sweeps.
        const int64_t id = store.createSweep({"after", R"({"ranks":[1]})", "{}"}, {cellRun("a", 0)});
        QCOMPARE(store.sweepRuns(id).size(), size_t(1));
        QCOMPARE(store.run(4)->sweepId.has_value(), false);
    }

    void sweepAndItsRunsAreOneGroup()
    {
        RunStore store(dir() / "group.sqlite");
        const int64_t loose = store.createRun(NewRun{.name = "not in a sweep"});
        const int64_t id = store.createSweep({"grid", R"({"ranks":[2,4]})", R"({"max_steps": 5})"},
                                             {cellRun("cell one", 1), cellRun("cell zero", 0)});
        const auto sweep = store.sweep(id);
        QVERIFY(sweep);
        QCOMPARE(sweep->name, std::string("grid"));
        QCOMPARE(sweep->status, RunStatus::Queued);
        QCOMPARE(sweep->gridJson, std::string(R"({"ranks":[2,4]})"));
        QCOMPARE(sweep->baseConfigJson, std::string(R"({"max_steps": 5})"));
        const auto runs = store.sweepRuns(id);
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(runs[0].name, std::string("cell zero"));  // by cell
        QCOMPARE(runs[0].sweepCell.value_or(-1), int64_t(0));
        QCOMPARE(runs[1].sweepCell.value_or(-1), int64_t(1));
        for (const auto& r : runs) {
            QCOMPARE(r.sweepId.value_or(0), id);
            QCOMPARE(r.status, RunStatus::Queued);
            QCOMPARE(r.totalParams, int64_t(10000));
        }
        QCOMPARE(runs[1].trainableParams, int64_t(200));
        QVERIFY(!store.run(loose)->sweepId);
        QCOMPARE(store.runs().size(), size_t(3));

        store.markSweepRunning(id);
        QCOMPARE(store.sweep(id)->status, RunStatus::Running);
        QCOMPARE(store.sweep(id)->pid, int64_t(::getpid()));
        store.finishSweep(id, RunStatus::Failed, "one cell failed");
        QCOMPARE(store.sweep(id)->status, RunStatus::Failed);
        QCOMPARE(store.sweep(id)->error, std::string("one cell failed"));
        QVERIFY(store.sweep(id)->finishedAt);
        QCOMPARE(store.sweeps().front().id, id);
        QVERIFY(!store.sweep(id + 100));
        try {
            store.markSweepRunning(id + 100);
            QFAIL("a missing sweep was marked running");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("there is no sweep") != std::string::npos, e.what());
        }
    }

    void sweepOfADeadProcessIsInterruptedAtOpen()
    {
        const auto file = dir() / "dead.sqlite";
        int64_t id = 0;
        {
            RunStore store(file);
            id = store.createSweep({"crashed", "{}", "{}"}, {});
            store.markSweepRunning(id);
        }
        {
            const pid_t child = ::fork();
            if (child == 0)
                ::_exit(0);
            int status = 0;
            ::waitpid(child, &status, 0);
            SQLite::Database db(file, SQLite::OPEN_READWRITE);
            SQLite::Statement q(db, "UPDATE sweeps SET pid = ?, pid_start = 0 WHERE id = ?");
            q.bind(1, int64_t(child));  // reaped: no process has this pid now
            q.bind(2, id);
            q.exec();
        }
        RunStore store(file);
        QCOMPARE(store.interruptedSweepsAtOpen(), std::vector<int64_t>{id});
        QCOMPARE(store.sweep(id)->status, RunStatus::Interrupted);
        QVERIFY(!store.sweep(id)->error.empty());
        // A live owner (this process) is left alone.
        store.markSweepRunning(id);
        RunStore again(file);
        QVERIFY(again.interruptedSweepsAtOpen().empty());
        QCOMPARE(again.sweep(id)->status, RunStatus::Running);
    }
};

QTEST_MAIN(TestSweepStore)
#include "test_sweep_store.moc"
