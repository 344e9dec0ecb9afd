#pragma once
#include "lora/run_store.h"

#include "store/store_db.h"

namespace lora {

struct RunStore::Impl {
    std::filesystem::path file;
    std::unique_ptr<SQLite::Database> db;
    int versionAtOpen = 0;
    std::vector<int64_t> interrupted;

    // Runs `body`, turning SQLite's locked and corrupt errors into StoreError naming the file.
    template <class F>
    auto run(const std::string& doing, F&& body) const
    {
        return store::guarded(file, doing, std::forward<F>(body));
    }
};

}  // namespace lora
