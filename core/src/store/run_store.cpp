#include "lora/run_store.h"

#include "store/process_owner.h"
#include "store/run_store_impl.h"
#include "store/store_db.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace lora {

StoreError::StoreError(Kind kind, const std::filesystem::path& file, const std::string& message,
                       std::filesystem::path freshPath)
    : Error(message), kind_(kind), file_(file), fresh_(std::move(freshPath))
{
}

namespace {

constexpr const char* kStatusNames[] = {"queued", "running", "completed", "stopped", "failed", "interrupted"};

std::optional<double> optionalReal(const SQLite::Column& c)
{
    return c.isNull() ? std::nullopt : std::optional<double>(c.getDouble());
}

// The columns every RunRecord query selects, in readRun's order.
constexpr const char* kRunColumns =
    "id, name, status, model_path, model_hash, dataset_path, dataset_hash, config_json, device, output_dir, "
    "total_params, trainable_params, created_at, started_at, finished_at, train_seconds, steps_done, total_steps, "
    "tokens, final_train_loss, final_val_loss, best_val_loss, best_val_step, error, notes, tags, pid, host, sweep_id, "
    "sweep_cell";

RunRecord readRun(SQLite::Statement& q)
{
    RunRecord r;
    int i = 0;
    r.id = q.getColumn(i++).getInt64();
    r.name = q.getColumn(i++).getString();
    r.status = parseRunStatus(q.getColumn(i++).getString());
    r.modelPath = q.getColumn(i++).getString();
    r.modelHash = q.getColumn(i++).getString();
    r.datasetPath = q.getColumn(i++).getString();
    r.datasetHash = q.getColumn(i++).getString();
    r.configJson = q.getColumn(i++).getString();
    r.device = q.getColumn(i++).getString();
    r.outputDir = q.getColumn(i++).getString();
    r.totalParams = q.getColumn(i++).getInt64();
    r.trainableParams = q.getColumn(i++).getInt64();
    r.createdAt = q.getColumn(i++).getDouble();
    r.startedAt = optionalReal(q.getColumn(i++));
    r.finishedAt = optionalReal(q.getColumn(i++));
    r.trainSeconds = q.getColumn(i++).getDouble();
    r.stepsDone = q.getColumn(i++).getInt64();
    r.totalSteps = q.getColumn(i++).getInt64();
    r.tokens = q.getColumn(i++).getInt64();
    r.finalTrainLoss = optionalReal(q.getColumn(i++));
    r.finalValLoss = optionalReal(q.getColumn(i++));
    r.bestValLoss = optionalReal(q.getColumn(i++));
    const auto best = q.getColumn(i++);
    if (!best.isNull())
        r.bestValStep = best.getInt64();
    r.error = q.getColumn(i++).getString();
    r.notes = q.getColumn(i++).getString();
    const auto tags = nlohmann::json::parse(q.getColumn(i++).getString(), nullptr, false);
    if (tags.is_array())
        for (const auto& t : tags)
            if (t.is_string())
                r.tags.push_back(t.get<std::string>());
    r.pid = q.getColumn(i++).getInt64();
    r.host = q.getColumn(i++).getString();
    if (const auto sweep = q.getColumn(i++); !sweep.isNull())
        r.sweepId = sweep.getInt64();
    if (const auto cell = q.getColumn(i++); !cell.isNull())
        r.sweepCell = cell.getInt64();
    return r;
}

std::string hashOrEmpty(const std::string& path)
{
    if (path.empty())
        return "";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return "";
    return folderDigest(path);
}

}  // namespace

std::string runStatusName(RunStatus status) { return kStatusNames[static_cast<int>(status)]; }

RunStatus parseRunStatus(const std::string& name)
{
    for (int i = 0; i < 6; ++i)
        if (name == kStatusNames[i])
            return static_cast<RunStatus>(i);
    throw Error("unknown run status '" + name +
                "' (expected queued, running, completed, stopped, failed or interrupted)");
}

std::filesystem::path RunStore::defaultPath()
{
    if (const char* env = std::getenv("LORA_STUDIO_DB"); env && *env)
        return env;
    // QStandardPaths::AppDataLocation on Linux: the XDG data home (only if absolute) + organisation + application.
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg && std::filesystem::path(xdg).is_absolute())
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = std::filesystem::path(home) / ".local" / "share";
    else
        base = std::filesystem::current_path();
    return base / "LoRA Studio" / "LoRA Studio" / "runs.sqlite";
}

std::filesystem::path RunStore::freshPathBeside(const std::filesystem::path& file)
{
    const auto stem = file.stem().string();
    const auto ext = file.has_extension() ? file.extension().string() : std::string(".sqlite");
    for (int i = 1;; ++i) {
        auto candidate = file.parent_path() / (stem + "-" + std::to_string(i) + ext);
        std::error_code ec;
        if (!std::filesystem::exists(candidate, ec))
            return candidate;
    }
}

RunStore::RunStore(const std::filesystem::path& file, StoreOptions options) : impl_(std::make_unique<Impl>())
{
    impl_->file = file;
    impl_->db = store::openConnection(file, options.busyTimeout);
    auto& db = *impl_->db;
    impl_->run("opening it", [&] {
        // One write transaction at open: migration and the interrupted runs together, and a locked database is
        // reported here rather than at the first write.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        const int version = db.execAndGet("PRAGMA user_version").getInt();
        impl_->versionAtOpen = version;
        if (version < kSchemaVersion)
            store::migrate(db, version, kSchemaVersion);

        // Runs whose process is gone. pid 0: written before owners were recorded (schema 1), owner unknown.
        const auto here = store::hostName();
        SQLite::Statement running(db, "SELECT id, pid, pid_start, host FROM runs WHERE status = 'running'");
        std::vector<int64_t> dead;
        while (running.executeStep()) {
            store::ProcessOwner owner{running.getColumn(1).getInt64(), running.getColumn(2).getInt64(),
                                      running.getColumn(3).getString()};
            if (owner.pid == 0 || (owner.host == here && !store::isAlive(owner)))
                dead.push_back(running.getColumn(0).getInt64());
        }
        SQLite::Statement mark(db, "UPDATE runs SET status = 'interrupted', "
                                   "error = 'the process running it ended without finishing it' WHERE id = ?");
        for (int64_t id : dead) {
            mark.bind(1, id);
            mark.exec();
            mark.reset();
        }
        impl_->interrupted = dead;
        impl_->interruptedSweeps = store::markDeadSweepsInterrupted(db, here);
        tx.commit();
    });
}

RunStore::~RunStore() = default;
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;

const std::filesystem::path& RunStore::path() const { return impl_->file; }
int RunStore::schemaVersionAtOpen() const { return impl_->versionAtOpen; }
const std::vector<int64_t>& RunStore::interruptedAtOpen() const { return impl_->interrupted; }
const std::vector<int64_t>& RunStore::interruptedSweepsAtOpen() const { return impl_->interruptedSweeps; }

namespace store {

int64_t insertRun(SQLite::Database& db, const NewRun& run, const std::string& modelHash, const std::string& dataHash)
{
    SQLite::Statement q(db, "INSERT INTO runs (name, status, model_path, model_hash, dataset_path, dataset_hash, "
                            "config_json, device, output_dir, total_steps, tags, created_at, sweep_id, sweep_cell, "
                            "total_params, trainable_params) "
                            "VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, run.name);
    q.bind(2, run.modelPath);
    q.bind(3, modelHash);
    q.bind(4, run.datasetPath);
    q.bind(5, dataHash);
    q.bind(6, run.configJson);
    q.bind(7, run.device);
    q.bind(8, run.outputDir);
    q.bind(9, run.totalSteps);
    q.bind(10, nlohmann::json(run.tags).dump());
    q.bind(11, unixNow());
    if (run.sweepId)
        q.bind(12, *run.sweepId);
    if (run.sweepCell)
        q.bind(13, *run.sweepCell);
    q.bind(14, run.totalParams);
    q.bind(15, run.trainableParams);
    q.exec();
    return db.getLastInsertRowid();
}

std::string contentHash(const std::string& path) { return hashOrEmpty(path); }

}  // namespace store

int64_t RunStore::createRun(const NewRun& run)
{
    // Hash outside the transaction: a large model takes a while and the database stays free meanwhile.
    const auto modelHash = hashOrEmpty(run.modelPath);
    const auto dataHash = hashOrEmpty(run.datasetPath);
    return impl_->run("recording a new run", [&] { return store::insertRun(*impl_->db, run, modelHash, dataHash); });
}

void RunStore::markRunning(int64_t runId)
{
    const auto me = store::thisProcess();
    impl_->run("marking a run running", [&] {
        SQLite::Statement q(*impl_->db, "UPDATE runs SET status = 'running', pid = ?, pid_start = ?, host = ?, "
                                        "started_at = coalesce(started_at, ?), finished_at = NULL, error = '' "
                                        "WHERE id = ?");
        q.bind(1, me.pid);
        q.bind(2, me.startTime);
        q.bind(3, me.host);
        q.bind(4, store::unixNow());
        q.bind(5, runId);
        if (q.exec() != 1)
            throw Error(impl_->file.string() + ": there is no run " + std::to_string(runId));
    });
}

void RunStore::setTotalSteps(int64_t runId, int64_t totalSteps)
{
    impl_->run("recording a run's step count", [&] {
        SQLite::Statement q(*impl_->db, "UPDATE runs SET total_steps = ? WHERE id = ?");
        q.bind(1, totalSteps);
        q.bind(2, runId);
        q.exec();
    });
}

void RunStore::setParameters(int64_t runId, int64_t totalParams, int64_t trainableParams)
{
    impl_->run("recording a run's parameters", [&] {
        SQLite::Statement q(*impl_->db, "UPDATE runs SET total_params = ?, trainable_params = ? WHERE id = ?");
        q.bind(1, totalParams);
        q.bind(2, trainableParams);
        q.bind(3, runId);
        q.exec();
    });
}

void RunStore::finishRun(int64_t runId, const RunOutcome& outcome)
{
    impl_->run("recording the end of a run", [&] {
        auto& db = *impl_->db;
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(
            db, "UPDATE runs SET status = ?2, error = ?3, finished_at = ?4, train_seconds = coalesce(?5, train_seconds), "
                "final_train_loss = (SELECT value FROM metrics WHERE run_id = ?1 AND split = 'train' AND name = 'loss' "
                "  ORDER BY step DESC LIMIT 1), "
                "final_val_loss = (SELECT value FROM metrics WHERE run_id = ?1 AND split = 'val' AND name = 'loss' "
                "  ORDER BY step DESC LIMIT 1), "
                "best_val_loss = (SELECT min(value) FROM metrics WHERE run_id = ?1 AND split = 'val' AND name = 'loss'), "
                "best_val_step = (SELECT step FROM metrics WHERE run_id = ?1 AND split = 'val' AND name = 'loss' "
                "  ORDER BY value, step LIMIT 1) "
                "WHERE id = ?1");
        q.bind(1, runId);
        q.bind(2, runStatusName(outcome.status));
        q.bind(3, outcome.error);
        q.bind(4, store::unixNow());
        if (outcome.trainSeconds)
            q.bind(5, *outcome.trainSeconds);
        else
            q.bind(5);
        q.exec();
        tx.commit();
    });
}

namespace {
void updateText(RunStore::Impl& impl, const char* sql, int64_t runId, const std::string& value)
{
    impl.run("updating a run", [&] {
        SQLite::Statement q(*impl.db, sql);
        q.bind(1, value);
        q.bind(2, runId);
        q.exec();
    });
}
}  // namespace

void RunStore::rename(int64_t runId, const std::string& name)
{
    updateText(*impl_, "UPDATE runs SET name = ? WHERE id = ?", runId, name);
}

void RunStore::setNotes(int64_t runId, const std::string& notes)
{
    updateText(*impl_, "UPDATE runs SET notes = ? WHERE id = ?", runId, notes);
}

void RunStore::setTags(int64_t runId, const std::vector<std::string>& tags)
{
    updateText(*impl_, "UPDATE runs SET tags = ? WHERE id = ?", runId, nlohmann::json(tags).dump());
}

void RunStore::deleteRun(int64_t runId)
{
    impl_->run("deleting a run", [&] {
        SQLite::Statement q(*impl_->db, "DELETE FROM runs WHERE id = ?");
        q.bind(1, runId);
        q.exec();
    });
}

std::optional<RunRecord> RunStore::run(int64_t runId) const
{
    return impl_->run("reading a run", [&]() -> std::optional<RunRecord> {
        SQLite::Statement q(*impl_->db, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
        q.bind(1, runId);
        if (!q.executeStep())
            return std::nullopt;
        return readRun(q);
    });
}

std::vector<RunRecord> RunStore::runs() const
{
    return impl_->run("reading the runs", [&] {
        SQLite::Statement q(*impl_->db, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id DESC");
        std::vector<RunRecord> out;
        while (q.executeStep())
            out.push_back(readRun(q));
        return out;
    });
}

std::vector<RunRecord> RunStore::sweepRuns(int64_t sweepId) const
{
    return impl_->run("reading a sweep's runs", [&] {
        SQLite::Statement q(*impl_->db, std::string("SELECT ") + kRunColumns +
                                            " FROM runs WHERE sweep_id = ? ORDER BY sweep_cell, id");
        q.bind(1, sweepId);
        std::vector<RunRecord> out;
        while (q.executeStep())
            out.push_back(readRun(q));
        return out;
    });
}

void RunStore::truncateMetrics(int64_t runId, int64_t step)
{
    impl_->run("removing metrics past a checkpoint", [&] {
        SQLite::Transaction tx(*impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement del(*impl_->db, "DELETE FROM metrics WHERE run_id = ? AND step > ?");
        del.bind(1, runId);
        del.bind(2, step);
        del.exec();
        SQLite::Statement upd(*impl_->db, "UPDATE runs SET steps_done = min(steps_done, ?) WHERE id = ?");
        upd.bind(1, step);
        upd.bind(2, runId);
        upd.exec();
        tx.commit();
    });
}

std::vector<MetricRow> RunStore::metrics(int64_t runId, const std::string& split, const std::string& name) const
{
    return impl_->run("reading metrics", [&] {
        SQLite::Statement q(*impl_->db,
                            "SELECT step, epoch, tokens, wall_seconds, split, name, value FROM metrics "
                            "WHERE run_id = ?1 AND (?2 = '' OR split = ?2) AND (?3 = '' OR name = ?3) "
                            "ORDER BY split, name, step");
        q.bind(1, runId);
        q.bind(2, split);
        q.bind(3, name);
        std::vector<MetricRow> out;
        while (q.executeStep())
            out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getDouble(), q.getColumn(2).getInt64(),
                           q.getColumn(3).getDouble(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                           q.getColumn(6).getDouble()});
        return out;
    });
}

int64_t RunStore::metricCount(int64_t runId) const
{
    return impl_->run("counting metrics", [&] {
        SQLite::Statement q(*impl_->db, "SELECT count(*) FROM metrics WHERE run_id = ?");
        q.bind(1, runId);
        q.executeStep();
        return q.getColumn(0).getInt64();
    });
}

int64_t RunStore::addCheckpoint(int64_t runId, int64_t step, const std::filesystem::path& dir)
{
    int64_t bytes = 0;
    const auto digest = folderDigest(dir, &bytes);
    return impl_->run("recording a checkpoint", [&] {
        SQLite::Statement q(*impl_->db, "INSERT INTO checkpoints (run_id, step, path, size_bytes, sha256, created_at) "
                                        "VALUES (?, ?, ?, ?, ?, ?)");
        q.bind(1, runId);
        q.bind(2, step);
        q.bind(3, dir.string());
        q.bind(4, bytes);
        q.bind(5, digest);
        q.bind(6, store::unixNow());
        q.exec();
        return impl_->db->getLastInsertRowid();
    });
}

std::vector<CheckpointRecord> RunStore::checkpoints(int64_t runId) const
{
    return impl_->run("reading checkpoints", [&] {
        SQLite::Statement q(*impl_->db, "SELECT id, run_id, step, path, size_bytes, sha256, created_at "
                                        "FROM checkpoints WHERE run_id = ? ORDER BY step, id");
        q.bind(1, runId);
        std::vector<CheckpointRecord> out;
        while (q.executeStep())
            out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                           q.getColumn(3).getString(), q.getColumn(4).getInt64(), q.getColumn(5).getString(),
                           q.getColumn(6).getDouble()});
        return out;
    });
}

std::optional<CheckpointRecord> RunStore::lastGoodCheckpoint(int64_t runId) const
{
    auto all = checkpoints(runId);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        std::error_code ec;
        if (!std::filesystem::is_directory(it->path, ec))
            continue;
        try {
            if (folderDigest(it->path) == it->sha256)
                return *it;
        } catch (const std::exception&) {
        }
    }
    return std::nullopt;
}

}  // namespace lora
