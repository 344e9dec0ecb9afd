#pragma once
#include "lora/run_store.h"

#include "store/store_db.h"

namespace lora {

struct RunStore::Impl {
    std::filesystem::path file;
    std::unique_ptr<SQLite::Database> db;
    int versionAtOpen = 0;
    std::vector<int64_t> interrupted;
    std::vector<int64_t> interruptedSweeps;

    // Runs `body`, turning SQLite's locked and corrupt errors into StoreError naming the file.
    template <class F>
    auto run(const std::string& doing, F&& body) const
    {
        return store::guarded(file, doing, std::forward<F>(body));
    }
};

namespace store {
// Inserts a queued run (no transaction of its own); the content hashes are computed by the caller.
int64_t insertRun(SQLite::Database& db, const NewRun& run, const std::string& modelHash, const std::string& dataHash);
// folderDigest of a model folder or data file; empty when the path is empty or does not exist.
std::string contentHash(const std::string& path);
}  // namespace store

}  // namespace lora
