#include "lora/run_store.h"

#include "store/store_db.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace lora {

struct MetricWriter::Impl {
    std::filesystem::path file;
    int64_t runId = 0;
    std::unique_ptr<SQLite::Database> db;
    std::unique_ptr<SQLite::Statement> insert;
    std::unique_ptr<SQLite::Statement> progress;
    std::vector<MetricRow> waiting;
    std::chrono::steady_clock::time_point oldest;
};

MetricWriter::MetricWriter(const std::filesystem::path& db, int64_t runId, MetricWriterOptions options)
    : impl_(std::make_unique<Impl>()), options_(options)
{
    impl_->file = db;
    impl_->runId = runId;
    impl_->db = store::openConnection(db, options.busyTimeout);
    store::guarded(db, "preparing the metrics writer", [&] {
        impl_->insert = std::make_unique<SQLite::Statement>(
            *impl_->db, "INSERT OR REPLACE INTO metrics (run_id, split, name, step, epoch, tokens, wall_seconds, value) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        impl_->progress = std::make_unique<SQLite::Statement>(
            *impl_->db, "UPDATE runs SET steps_done = ?, train_seconds = ?, tokens = ? WHERE id = ?");
    });
    impl_->waiting.reserve(options.maxRows + 16);
}

MetricWriter::~MetricWriter()
{
    try {
        flush();
    } catch (...) {
    }
}

void MetricWriter::add(const MetricRow& row)
{
    if (impl_->waiting.empty())
        impl_->oldest = std::chrono::steady_clock::now();
    impl_->waiting.push_back(row);
}

bool MetricWriter::endStep(int64_t)
{
    if (impl_->waiting.empty())
        return false;
    if (impl_->waiting.size() < options_.maxRows &&
        std::chrono::steady_clock::now() - impl_->oldest < options_.maxDelay)
        return false;
    flush();
    return true;
}

void MetricWriter::flush()
{
    auto& rows = impl_->waiting;
    if (rows.empty())
        return;
    store::guarded(impl_->file, "writing metrics", [&] {
        auto& ins = *impl_->insert;
        SQLite::Transaction tx(*impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
        const MetricRow* last = nullptr;
        ins.reset();  // after a failed commit the statement may still be mid-step
        for (const auto& r : rows) {
            ins.bind(1, impl_->runId);
            ins.bind(2, r.split);
            ins.bind(3, r.name);
            ins.bind(4, r.step);
            ins.bind(5, r.epoch);
            ins.bind(6, r.tokens);
            ins.bind(7, r.wallSeconds);
            ins.bind(8, r.value);
            ins.exec();
            ins.reset();
            if (!last || r.step >= last->step)
                last = &r;
        }
        auto& p = *impl_->progress;
        p.reset();
        p.bind(1, last->step);
        p.bind(2, last->wallSeconds);
        p.bind(3, last->tokens);
        p.bind(4, impl_->runId);
        p.exec();
        p.reset();
        tx.commit();
        committedStep_ = last->step;
    });
    // A failed commit keeps the rows waiting for the next try (the transaction was rolled back).
    const size_t n = rows.size();
    committedRows_ += static_cast<int64_t>(n);
    rows.clear();
    if (onCommit_)
        onCommit_(committedStep_, n);
}

}  // namespace lora
