// The run store: schema and migrations from every older version, locked and corrupt databases, batched metrics,
// runs of dead processes, checkpoints, the adapter library, and the default path GUI and CLI share.
#include "lora/run_store.h"
#include "lora/safetensors.h"
#include "store/store_db.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <QCoreApplication>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <vector>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace lora;

namespace {

std::string readAll(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeAll(const fs::path& file, const std::string& bytes)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A database at schema `version` (0: empty file), with one run (left "running" by an unknown process) and its
// metrics, as that version's lora-cli would have written it.
void makeOldDatabase(const fs::path& file, int version)
{
    SQLite::Database db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    if (version == 0)
        return;
    store::migrate(db, 0, version);
    SQLite::Statement run(db, "INSERT INTO runs (id, name, status, model_path, config_json, created_at, steps_done) "
                              "VALUES (7, 'old run', 'running', '/models/m', '{\"r\": 8}', 1000.5, 3)");
    run.exec();
    SQLite::Statement done(db, "INSERT INTO runs (id, name, status, created_at) VALUES (8, 'finished', 'completed', 1001)");
    done.exec();
    for (int step = 1; step <= 3; ++step) {
        SQLite::Statement m(db, "INSERT INTO metrics (run_id, split, name, step, epoch, tokens, wall_seconds, value) "
                                "VALUES (7, 'train', 'loss', ?, ?, ?, ?, ?)");
        m.bind(1, step);
        m.bind(2, step * 0.25);
        m.bind(3, step * 100);
        m.bind(4, step * 1.5);
        m.bind(5, 3.0 - step * 0.125);
        m.exec();
    }
}

int64_t deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;  // reaped: no process has this pid now (until it is reused, which the start time catches)
}

void writeAdapterFolder(const fs::path& dir, float scale)
{
    fs::create_directories(dir);
    std::vector<float> a(2 * 4), b(4 * 2);
    for (size_t i = 0; i < a.size(); ++i)
        a[i] = scale * static_cast<float>(i) - 1.0f;
    for (size_t i = 0; i < b.size(); ++i)
        b[i] = scale * 0.5f * static_cast<float>(i);
    auto bytes = [](const std::vector<float>& v) {
        return std::span<const std::byte>(reinterpret_cast<const std::byte*>(v.data()), v.size() * sizeof(float));
    };
    writeSafetensors(dir / "adapter_model.safetensors",
                     {{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", DType::F32, {2, 4}, bytes(a)},
                      {"base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", DType::F32, {4, 2}, bytes(b)}},
                     {{"format", "pt"}});
    writeAll(dir / "adapter_config.json",
             R"({"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["q_proj"], "task_type": "CAUSAL_LM"})");
}

}  // namespace

class TestRunStore final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path dir() const { return tmp_.path().toStdString(); }

private Q_SLOTS:
    void newDatabaseHasCurrentSchema()
    {
        const auto file = dir() / "new" / "runs.sqlite";
        RunStore store(file);
        QCOMPARE(store.schemaVersionAtOpen(), 0);
        SQLite::Database db(file);
        QCOMPARE(db.execAndGet("PRAGMA user_version").getInt(), RunStore::kSchemaVersion);
        QCOMPARE(db.execAndGet("PRAGMA journal_mode").getString(), std::string("wal"));
        for (const char* table : {"runs", "metrics", "checkpoints", "adapters"})
            QVERIFY2(db.tableExists(table), table);
    }

    // The GUI's Runs page and its training worker open a new file at the same moment; each must see either an
    // empty file or our schema, never the other's half-made one as "an SQLite database with tables of its own".
    void aNewFileOpenedByManyAtOnceIsOursForEach()
    {
        constexpr int kFiles = 40;
        constexpr int kOpeners = 4;
        for (int f = 0; f < kFiles; ++f) {
            const auto file = dir() / "race" / ("runs-" + std::to_string(f) + ".sqlite");
            std::vector<std::string> errors(kOpeners);
            std::vector<std::thread> openers;
            for (int i = 0; i < kOpeners; ++i)
                openers.emplace_back([&, i] {
                    try {
                        RunStore store(file);
                    } catch (const std::exception& e) {
                        errors[size_t(i)] = e.what();
                    }
                });
            for (auto& t : openers)
                t.join();
            for (const auto& e : errors)
                QVERIFY2(e.empty(), e.c_str());
        }
    }

    void migratesFromEveryOlderVersion_data()
    {
        QTest::addColumn<int>("version");
        for (int v = 0; v < RunStore::kSchemaVersion; ++v)
            QTest::newRow(("from v" + std::to_string(v)).c_str()) << v;
    }
    void migratesFromEveryOlderVersion()
    {
        QFETCH(int, version);
        const auto file = dir() / ("old-v" + std::to_string(version) + ".sqlite");
        makeOldDatabase(file, version);
        RunStore store(file);
        QCOMPARE(store.schemaVersionAtOpen(), version);
        SQLite::Database db(file);
        QCOMPARE(db.execAndGet("PRAGMA user_version").getInt(), RunStore::kSchemaVersion);
        QCOMPARE(db.execAndGet("PRAGMA integrity_check").getString(), std::string("ok"));
        if (version == 0) {
            QVERIFY(store.runs().empty());
            return;
        }
        // The old rows survive with the new columns at their defaults; the run whose owner is unknown
        // (schema 1 recorded none) is interrupted, the finished one is not touched.
        const auto runs = store.runs();
        QCOMPARE(runs.size(), size_t(2));
        const auto old = store.run(7);
        QVERIFY(old);
        QCOMPARE(old->name, std::string("old run"));
        QCOMPARE(old->status, RunStatus::Interrupted);
        QCOMPARE(old->configJson, std::string("{\"r\": 8}"));
        QCOMPARE(old->stepsDone, int64_t(3));
        QVERIFY(old->tags.empty());
        QCOMPARE(store.interruptedAtOpen(), std::vector<int64_t>{7});
        QCOMPARE(store.run(8)->status, RunStatus::Completed);
        const auto losses = store.metrics(7, "train", "loss");
        QCOMPARE(losses.size(), size_t(3));
        QCOMPARE(losses[2].value, 3.0 - 3 * 0.125);
        QCOMPARE(losses[1].tokens, int64_t(200));
        // And the migrated database works at the current version.
        QVERIFY(store.adapters().empty());
        store.setTags(7, {"kept"});
        QCOMPARE(store.run(7)->tags, std::vector<std::string>{"kept"});
    }

    void newerSchemaIsRefused()
    {
        const auto file = dir() / "newer.sqlite";
        {
            SQLite::Database db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("PRAGMA user_version = 99");
        }
        const auto before = readAll(file);
        try {
            RunStore store(file);
            QFAIL("a database of a newer schema was opened");
        } catch (const StoreError& e) {
            QCOMPARE(e.kind(), StoreError::Kind::TooNew);
            QVERIFY2(std::string(e.what()).find(file.string()) != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("newer LoRA Studio") != std::string::npos, e.what());
        }
        QCOMPARE(readAll(file), before);
    }

    void lockedDatabaseGivesClearErrorAndWayOn()
    {
        const auto file = dir() / "locked.sqlite";
        {
            RunStore store(file);
            store.createRun({.name = "first"});
        }
        SQLite::Database holder(file, SQLite::OPEN_READWRITE);
        holder.exec("PRAGMA locking_mode=EXCLUSIVE");
        holder.exec("BEGIN EXCLUSIVE");
        holder.exec("UPDATE runs SET notes = 'held' WHERE id = 1");
        const auto before = readAll(file);
        fs::path fresh;
        try {
            RunStore store(file, StoreOptions{std::chrono::milliseconds(100)});
            QFAIL("a locked database was opened for writing");
        } catch (const StoreError& e) {
            const std::string what = e.what();
            QCOMPARE(e.kind(), StoreError::Kind::Locked);
            QVERIFY2(what.rfind(file.string() + ":", 0) == 0, e.what());
            QVERIFY2(what.find("locked by another program") != std::string::npos, e.what());
            QVERIFY2(what.find(e.freshPath().string()) != std::string::npos, e.what());
            fresh = e.freshPath();
        }
        QCOMPARE(readAll(file), before);
        QVERIFY(!fs::exists(fresh));
        QCOMPARE(fresh.parent_path(), file.parent_path());
        // The way on: a new database beside it.
        RunStore other(fresh);
        QCOMPARE(other.createRun({.name = "elsewhere"}), int64_t(1));
        holder.exec("ROLLBACK");
    }

    void corruptFileGivesClearErrorAndStaysUntouched_data()
    {
        QTest::addColumn<bool>("garbageHeader");
        QTest::newRow("not a database") << true;
        QTest::newRow("damaged pages") << false;
    }
    void corruptFileGivesClearErrorAndStaysUntouched()
    {
        QFETCH(bool, garbageHeader);
        const auto file = dir() / (garbageHeader ? "garbage.sqlite" : "damaged.sqlite");
        if (garbageHeader) {
            std::string junk(8192, '\0');
            for (size_t i = 0; i < junk.size(); ++i)
                junk[i] = static_cast<char>((i * 7919 + 13) & 0xff);
            writeAll(file, junk);
        } else {
            {
                RunStore store(file);
                for (int i = 0; i < 200; ++i)
                    store.createRun({.name = "run " + std::to_string(i), .configJson = std::string(500, 'x')});
            }  // closing checkpoints the WAL into the file
            auto bytes = readAll(file);
            QVERIFY(bytes.size() > 3 * 4096);
            for (size_t i = 4096; i < bytes.size(); ++i)  // every page after the first (the schema) ruined
                bytes[i] = static_cast<char>(0xA5 ^ (i & 0xff));
            writeAll(file, bytes);
        }
        const auto before = readAll(file);
        fs::path fresh;
        try {
            RunStore store(file);
            (void)store.runs();
            QFAIL("a corrupt database was read without an error");
        } catch (const StoreError& e) {
            const std::string what = e.what();
            QCOMPARE(e.kind(), StoreError::Kind::Corrupt);
            QVERIFY2(what.rfind(file.string() + ":", 0) == 0, e.what());
            QVERIFY2(what.find("is not a usable run database") != std::string::npos, e.what());
            QVERIFY2(what.find("left untouched") != std::string::npos, e.what());
            fresh = e.freshPath();
        }
        QCOMPARE(readAll(file), before);
        RunStore other(fresh);
        QVERIFY(other.runs().empty());
    }

    void metricsAreWrittenInBatchesAtStepBoundaries()
    {
        const auto file = dir() / "metrics.sqlite";
        RunStore store(file);
        const int64_t run = store.createRun({.name = "m"});
        store.markRunning(run);
        MetricWriter writer(file, run, {.maxRows = 10, .maxDelay = std::chrono::hours(1)});
        std::vector<std::pair<int64_t, size_t>> commits;
        writer.onCommit([&](int64_t step, size_t rows) { commits.emplace_back(step, rows); });
        auto rowsOf = [](int64_t step) {
            std::vector<MetricRow> rows;
            const char* names[] = {"loss", "learning_rate", "grad_norm", "tokens_per_second"};
            for (int i = 0; i < 4; ++i)
                rows.push_back({step, step / 3.0, step * 64, step * 0.1, "train", names[i], 1.0 / (step + i + 0.3)});
            return rows;
        };
        for (int64_t step = 1; step <= 7; ++step) {
            for (const auto& r : rowsOf(step))
                writer.add(r);
            if (step == 4)
                writer.add({4, 4 / 3.0, 256, 0.4, "val", "loss", 2.5});
            const bool committed = writer.endStep(step);
            // 4 rows a step: the batch reaches 10 rows at step 3, then at step 6 (rows 13..25 with the val row).
            QCOMPARE(committed, step == 3 || step == 6);
            // A reader on its own connection sees exactly what was committed, whole steps only.
            QCOMPARE(store.metricCount(run), writer.committedRows());
            QCOMPARE(store.run(run)->stepsDone, writer.committedThroughStep());
        }
        QCOMPARE(commits, (std::vector<std::pair<int64_t, size_t>>{{3, 12}, {6, 13}}));
        writer.flush();
        QCOMPARE(store.metricCount(run), int64_t(29));
        // Every value comes back exactly.
        for (int64_t step = 1; step <= 7; ++step)
            for (const auto& want : rowsOf(step)) {
                const auto got = store.metrics(run, "train", want.name);
                QCOMPARE(got.size(), size_t(7));
                const auto& row = got[static_cast<size_t>(step - 1)];
                QCOMPARE(row.step, step);
                QCOMPARE(row.value, want.value);
                QCOMPARE(row.epoch, want.epoch);
                QCOMPARE(row.tokens, want.tokens);
                QCOMPARE(row.wallSeconds, want.wallSeconds);
            }
        QCOMPARE(store.metrics(run, "val").size(), size_t(1));
        QCOMPARE(store.run(run)->stepsDone, int64_t(7));

        // Finishing takes final and best values from the metrics.
        store.finishRun(run, {RunStatus::Completed, "", 12.5});
        const auto done = store.run(run);
        QCOMPARE(done->status, RunStatus::Completed);
        QCOMPARE(*done->finalTrainLoss, 1.0 / (7 + 0.3));
        QCOMPARE(*done->bestValLoss, 2.5);
        QCOMPARE(*done->bestValStep, int64_t(4));
        QCOMPARE(done->trainSeconds, 12.5);

        // A resume from step 5 removes later rows; writing a step again replaces it.
        store.truncateMetrics(run, 5);
        QCOMPARE(store.metricCount(run), int64_t(21));
        MetricWriter again(file, run, {.maxRows = 1});
        again.add({5, 0, 0, 0, "train", "loss", 9.0});
        QVERIFY(again.endStep(5));
        QCOMPARE(store.metricCount(run), int64_t(21));
        QCOMPARE(store.metrics(run, "train", "loss")[4].value, 9.0);
    }

    void runsOfDeadProcessesAreMarkedInterrupted()
    {
        const auto file = dir() / "stale.sqlite";
        int64_t mine, dead, reused, remote;
        {
            RunStore store(file);
            mine = store.createRun({.name = "alive"});
            dead = store.createRun({.name = "dead"});
            reused = store.createRun({.name = "reused pid"});
            remote = store.createRun({.name = "other host"});
            for (auto id : {mine, dead, reused, remote})
                store.markRunning(id);
        }
        {
            SQLite::Database db(file, SQLite::OPEN_READWRITE);
            SQLite::Statement q(db, "UPDATE runs SET pid = ? WHERE id = ?");
            q.bind(1, deadPid());
            q.bind(2, dead);
            q.exec();
            SQLite::Statement r(db, "UPDATE runs SET pid_start = pid_start + 1 WHERE id = ?");  // this pid, another start
            r.bind(1, reused);
            r.exec();
            SQLite::Statement h(db, "UPDATE runs SET host = 'some-other-machine', pid = ? WHERE id = ?");
            h.bind(1, deadPid());
            h.bind(2, remote);
            h.exec();
        }
        RunStore store(file);
        QCOMPARE(store.interruptedAtOpen(), (std::vector<int64_t>{dead, reused}));
        QCOMPARE(store.run(mine)->status, RunStatus::Running);
        QCOMPARE(store.run(dead)->status, RunStatus::Interrupted);
        QCOMPARE(store.run(reused)->status, RunStatus::Interrupted);
        QCOMPARE(store.run(remote)->status, RunStatus::Running);  // cannot tell from here: left alone
        QVERIFY(!store.run(dead)->error.empty());
        // Resuming makes it this process's running run again.
        store.markRunning(dead);
        QCOMPARE(store.run(dead)->status, RunStatus::Running);
        QCOMPARE(store.run(dead)->pid, int64_t(::getpid()));
        QVERIFY(store.run(dead)->error.empty());
    }

    void runRecordsAndCheckpoints()
    {
        const auto file = dir() / "record.sqlite";
        const auto model = dir() / "model";
        fs::create_directories(model);
        writeAll(model / "config.json", "{}");
        writeAll(model / "model.safetensors", "weights");
        const auto data = dir() / "data.txt";
        writeAll(data, "hello\n");
        RunStore store(file);
        const int64_t run = store.createRun({.name = "r", .modelPath = model.string(), .datasetPath = data.string(),
                                             .configJson = "{}", .device = "cpu", .outputDir = "/o",
                                             .totalSteps = 10, .tags = {"a", "b"}});
        auto r = *store.run(run);
        QCOMPARE(r.status, RunStatus::Queued);
        QCOMPARE(r.datasetHash, std::string("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"));
        QCOMPARE(r.modelHash, folderDigest(model));
        QCOMPARE(r.modelHash.size(), size_t(64));
        QCOMPARE(r.tags, (std::vector<std::string>{"a", "b"}));
        store.setParameters(run, 1000, 10);
        store.rename(run, "renamed");
        store.setNotes(run, "a note with 'quotes'; DROP TABLE runs; --");
        r = *store.run(run);
        QCOMPARE(r.name, std::string("renamed"));
        QCOMPARE(r.notes, std::string("a note with 'quotes'; DROP TABLE runs; --"));
        QCOMPARE(r.trainableParams, int64_t(10));

        for (int step : {2, 4}) {
            const auto ck = dir() / "ckpt" / ("step-" + std::to_string(step));
            fs::create_directories(ck / "adapter");
            writeAll(ck / "trainer_state.json", "{\"step\": " + std::to_string(step) + "}");
            writeAll(ck / "adapter" / "adapter_model.safetensors", std::string(100, 'w'));
            store.addCheckpoint(run, step, ck);
        }
        const auto cks = store.checkpoints(run);
        QCOMPARE(cks.size(), size_t(2));
        QCOMPARE(cks[1].step, int64_t(4));
        QCOMPARE(cks[1].sizeBytes, int64_t(100 + 11));
        QCOMPARE(store.lastGoodCheckpoint(run)->step, int64_t(4));
        // A damaged newest checkpoint is passed over.
        writeAll(dir() / "ckpt" / "step-4" / "trainer_state.json", "{\"step\": 5}");
        QCOMPARE(store.lastGoodCheckpoint(run)->step, int64_t(2));
        fs::remove_all(dir() / "ckpt" / "step-2");
        QVERIFY(!store.lastGoodCheckpoint(run));

        store.deleteRun(run);
        QVERIFY(!store.run(run));
        QVERIFY(store.checkpoints(run).empty());
    }

    void adapterLibraryImportsAndExportsPeftFolders()
    {
        const auto file = dir() / "library.sqlite";
        const auto peft = dir() / "peft-in";
        writeAdapterFolder(peft, 0.75f);
        RunStore store(file);
        const int64_t id = store.importAdapter(peft);
        const auto stored = store.adapter(id);
        QVERIFY(stored);
        QCOMPARE(stored->name, std::string("peft-in"));
        QVERIFY(!stored->runId);
        QCOMPARE(stored->sha256, fileSha256(peft / "adapter_model.safetensors"));
        QCOMPARE(store.adapters().size(), size_t(1));

        const auto out = dir() / "peft-out" / "nested";
        store.exportAdapter(id, out);
        QCOMPARE(readAll(out / "adapter_model.safetensors"), readAll(peft / "adapter_model.safetensors"));
        QCOMPARE(readAll(out / "adapter_config.json"), readAll(peft / "adapter_config.json"));
        const auto reread = SafetensorsFile::open(out / "adapter_model.safetensors");
        QCOMPARE(reread->tensors().size(), size_t(2));

        // Refusals name the folder and store nothing.
        const auto empty = dir() / "not-an-adapter";
        fs::create_directories(empty);
        try {
            store.importAdapter(empty);
            QFAIL("a folder without an adapter was imported");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(empty.string()) == 0, e.what());
            QVERIFY2(std::string(e.what()).find("adapter_config.json is missing") != std::string::npos, e.what());
        }
        writeAll(empty / "adapter_config.json", "{\"peft_type\": \"LORA\"}");
        writeAll(empty / "adapter_model.safetensors", "\x10\0\0\0\0\0\0\0{not json}");
        QVERIFY_THROWS_EXCEPTION(Error, store.importAdapter(empty));
        QCOMPARE(store.adapters().size(), size_t(1));
        store.deleteAdapter(id);
        QVERIFY(store.adapters().empty());
        QVERIFY_THROWS_EXCEPTION(Error, store.exportAdapter(id, out));
    }

    void defaultPathIsWhereTheGuiKeepsItsData()
    {
        const QByteArray savedDb = qgetenv("LORA_STUDIO_DB");
        const QByteArray savedXdg = qgetenv("XDG_DATA_HOME");
        qunsetenv("LORA_STUDIO_DB");
        qputenv("XDG_DATA_HOME", QByteArray::fromStdString((dir() / "xdg").string()));
        // As app/studio/main.cpp names the application.
        QCoreApplication::setOrganizationName("LoRA Studio");
        QCoreApplication::setApplicationName("LoRA Studio");
        const auto qt = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation).toStdString();
        QCOMPARE(RunStore::defaultPath(), fs::path(qt) / "runs.sqlite");
        qunsetenv("XDG_DATA_HOME");
        const auto home = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation).toStdString();
        QCOMPARE(RunStore::defaultPath(), fs::path(home) / "runs.sqlite");
        qputenv("LORA_STUDIO_DB", "/somewhere/else.sqlite");
        QCOMPARE(RunStore::defaultPath(), fs::path("/somewhere/else.sqlite"));
        savedDb.isNull() ? qunsetenv("LORA_STUDIO_DB") : qputenv("LORA_STUDIO_DB", savedDb);
        if (!savedXdg.isNull())
            qputenv("XDG_DATA_HOME", savedXdg);
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "test_run_store.moc"
