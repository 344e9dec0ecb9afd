// Sweeps in the run database: the group row (grid, base configuration, status, owner); its runs point at it.
#include "lora/run_store.h"

#include "store/process_owner.h"
#include "store/run_store_impl.h"
#include "store/store_db.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <map>

namespace lora {
namespace {

constexpr const char* kSweepColumns =
    "id, name, status, grid_json, base_config_json, created_at, finished_at, error, pid, host";

SweepRecord readSweep(SQLite::Statement& q)
{
    SweepRecord s;
    s.id = q.getColumn(0).getInt64();
    s.name = q.getColumn(1).getString();
    s.status = parseRunStatus(q.getColumn(2).getString());
    s.gridJson = q.getColumn(3).getString();
    s.baseConfigJson = q.getColumn(4).getString();
    s.createdAt = q.getColumn(5).getDouble();
    if (!q.getColumn(6).isNull())
        s.finishedAt = q.getColumn(6).getDouble();
    s.error = q.getColumn(7).getString();
    s.pid = q.getColumn(8).getInt64();
    s.host = q.getColumn(9).getString();
    return s;
}

}  // namespace

namespace store {

std::vector<int64_t> markDeadSweepsInterrupted(SQLite::Database& db, const std::string& thisHost)
{
    SQLite::Statement running(db, "SELECT id, pid, pid_start, host FROM sweeps WHERE status = 'running'");
    std::vector<int64_t> dead;
    while (running.executeStep()) {
        const ProcessOwner owner{running.getColumn(1).getInt64(), running.getColumn(2).getInt64(),
                                 running.getColumn(3).getString()};
        if (owner.pid == 0 || (owner.host == thisHost && !isAlive(owner)))
            dead.push_back(running.getColumn(0).getInt64());
    }
    SQLite::Statement mark(db, "UPDATE sweeps SET status = 'interrupted', "
                               "error = 'the process running it ended without finishing it' WHERE id = ?");
    for (int64_t id : dead) {
        mark.bind(1, id);
        mark.exec();
        mark.reset();
    }
    return dead;
}

}  // namespace store

int64_t RunStore::createSweep(const NewSweep& sweep, const std::vector<NewRun>& runs)
{
    // Every cell trains on the same model and data: hash them once, outside the transaction.
    std::map<std::string, std::string> hashes;
    for (const auto& r : runs)
        for (const auto& path : {r.modelPath, r.datasetPath})
            if (!hashes.count(path))
                hashes[path] = store::contentHash(path);
    return impl_->run("recording a new sweep", [&] {
        auto& db = *impl_->db;
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(db, "INSERT INTO sweeps (name, status, grid_json, base_config_json, created_at) "
                                "VALUES (?, 'queued', ?, ?, ?)");
        q.bind(1, sweep.name);
        q.bind(2, sweep.gridJson);
        q.bind(3, sweep.baseConfigJson);
        q.bind(4, store::unixNow());
        q.exec();
        const int64_t id = db.getLastInsertRowid();
        for (auto run : runs) {
            run.sweepId = id;
            store::insertRun(db, run, hashes[run.modelPath], hashes[run.datasetPath]);
        }
        tx.commit();
        return id;
    });
}

void RunStore::markSweepRunning(int64_t sweepId)
{
    const auto me = store::thisProcess();
    impl_->run("marking a sweep running", [&] {
        SQLite::Statement q(*impl_->db, "UPDATE sweeps SET status = 'running', pid = ?, pid_start = ?, host = ?, "
                                        "finished_at = NULL, error = '' WHERE id = ?");
        q.bind(1, me.pid);
        q.bind(2, me.startTime);
        q.bind(3, me.host);
        q.bind(4, sweepId);
        if (q.exec() != 1)
            throw Error(impl_->file.string() + ": there is no sweep " + std::to_string(sweepId));
    });
}

void RunStore::finishSweep(int64_t sweepId, RunStatus status, const std::string& error)
{
    impl_->run("recording the end of a sweep", [&] {
        SQLite::Statement q(*impl_->db, "UPDATE sweeps SET status = ?, error = ?, finished_at = ? WHERE id = ?");
        q.bind(1, runStatusName(status));
        q.bind(2, error);
        q.bind(3, store::unixNow());
        q.bind(4, sweepId);
        q.exec();
    });
}

std::optional<SweepRecord> RunStore::sweep(int64_t sweepId) const
{
    return impl_->run("reading a sweep", [&]() -> std::optional<SweepRecord> {
        SQLite::Statement q(*impl_->db, std::string("SELECT ") + kSweepColumns + " FROM sweeps WHERE id = ?");
        q.bind(1, sweepId);
        if (!q.executeStep())
            return std::nullopt;
        return readSweep(q);
    });
}

std::vector<SweepRecord> RunStore::sweeps() const
{
    return impl_->run("reading the sweeps", [&] {
        SQLite::Statement q(*impl_->db, std::string("SELECT ") + kSweepColumns + " FROM sweeps ORDER BY id DESC");
        std::vector<SweepRecord> out;
        while (q.executeStep())
            out.push_back(readSweep(q));
        return out;
    });
}

}  // namespace lora
