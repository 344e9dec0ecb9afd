#include "store/store_db.h"

#include <sqlite3.h>

#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <thread>

namespace lora::store {

double unixNow()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

void refuseForeign(const std::filesystem::path& file, SQLite::Database& db)
{
    // One statement, so one snapshot: read apart, another connection making the schema of a new file between the
    // two reads would show version 0 with tables, which looks like someone else's database.
    SQLite::Statement header(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                                 "(SELECT count(*) FROM sqlite_master)");
    header.executeStep();
    const int version = header.getColumn(0).getInt();
    const int64_t tables = header.getColumn(1).getInt64();
    const auto fresh = RunStore::freshPathBeside(file);
    if (version > RunStore::kSchemaVersion)
        throw StoreError(StoreError::Kind::TooNew, file,
                         file.string() + ": was written by a newer LoRA Studio (schema version " +
                             std::to_string(version) + "; this one reads up to " +
                             std::to_string(RunStore::kSchemaVersion) + "). Update LoRA Studio, or go on with a new "
                             "database, " + fresh.string() + "; this file is left untouched.",
                         fresh);
    if (version == 0 && tables > 0)
        throw StoreError(StoreError::Kind::Corrupt, file,
                         file.string() + ": is an SQLite database but not a LoRA Studio run database (it has tables "
                                         "of its own). It is left untouched; go on with a new database, " +
                             fresh.string() + ".",
                         fresh);
}

// Switching a file to WAL needs it alone. Two connections switching a new file at once would each hold a shared
// lock and wait for the other's, so SQLite answers one of them SQLITE_BUSY at once, without the busy handler. That
// one lets go, waits and tries again (the mode is then usually set already), within the same busy timeout.
void switchToWal(SQLite::Database& db, std::chrono::milliseconds busy)
{
    const auto deadline = std::chrono::steady_clock::now() + busy;
    for (;;) {
        try {
            db.exec("PRAGMA journal_mode=WAL");
            return;
        } catch (const SQLite::Exception& e) {
            if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline)
                throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace

std::unique_ptr<SQLite::Database> openConnection(const std::filesystem::path& file, std::chrono::milliseconds busy)
{
    return guarded(file, "opening it", [&] {
        if (file.has_parent_path())
            std::filesystem::create_directories(file.parent_path());
        auto db = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                     static_cast<int>(busy.count()));
        // Reading the header first: a file that is not a database, or not ours, or of a newer schema, is refused
        // here, before switching it to WAL would write to it.
        refuseForeign(file, *db);
        switchToWal(*db, busy);
        db->exec("PRAGMA foreign_keys=ON");
        db->exec("PRAGMA synchronous=NORMAL");
        return db;
    });
}

void rethrowStoreError(const std::filesystem::path& file, const std::string& doing)
{
    const auto fresh = RunStore::freshPathBeside(file);
    try {
        throw;
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xff;
        const std::string what = e.what();
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            throw StoreError(StoreError::Kind::Locked, file,
                             file.string() + ": the run database is locked by another program (another lora-studio "
                                             "or lora-cli writing to it, or a tool holding it open) while " + doing +
                                 ". Close that program and try again, or go on with a new database, " + fresh.string() +
                                 "; this file is left untouched.",
                             fresh);
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
            throw StoreError(StoreError::Kind::Corrupt, file,
                             file.string() + ": is not a usable run database (" + what + ") while " + doing +
                                 ". The file is left untouched (sqlite3's .recover may save what it holds); go on "
                                 "with a new database, " + fresh.string() + ".",
                             fresh);
        throw StoreError(StoreError::Kind::Io, file,
                         file.string() + ": the run database failed while " + doing + ": " + what +
                             ". Check the disk and the file's permissions, or go on with a new database, " +
                             fresh.string() + ".",
                         fresh);
    } catch (const std::filesystem::filesystem_error& e) {
        throw StoreError(StoreError::Kind::Io, file,
                         file.string() + ": cannot be opened as the run database: " + e.what(), fresh);
    }
}

}  // namespace lora::store
