#pragma once
// Internals of the run store: opening a connection with the store's settings, the schema and its migrations,
// and turning SQLite's errors into StoreError messages for the user.
#include "lora/run_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lora::store {

// WAL, the busy timeout, foreign keys, synchronous=NORMAL (a committed transaction survives the process dying;
// WAL keeps the file consistent through power loss). Errors become StoreError.
std::unique_ptr<SQLite::Database> openConnection(const std::filesystem::path& file, std::chrono::milliseconds busy);

// Rethrows the current exception as a StoreError when it is a locked or corrupt database (else as it is),
// with `doing` ("reading runs") in the message.
[[noreturn]] void rethrowStoreError(const std::filesystem::path& file, const std::string& doing);

// Runs `body`, translating SQLite errors.
template <class F>
auto guarded(const std::filesystem::path& file, const std::string& doing, F&& body) -> decltype(body())
{
    try {
        return body();
    } catch (const StoreError&) {
        throw;
    } catch (...) {
        rethrowStoreError(file, doing);
    }
}

// The SQL that takes a database from version v-1 to v, for v in 1..RunStore::kSchemaVersion. Kept for every
// version so old databases (and tests) can be built at any older version.
const char* migrationSql(int toVersion);
// Applies migrations fromVersion+1..toVersion (no transaction of its own) and sets user_version.
void migrate(SQLite::Database& db, int fromVersion, int toVersion);

double unixNow();

// Marks the sweeps left "running" by a process that is gone interrupted (inside the open's transaction);
// returns their ids. Defined with the sweep queries (sweep_store.cpp).
std::vector<int64_t> markDeadSweepsInterrupted(SQLite::Database& db, const std::string& thisHost);

}  // namespace lora::store
