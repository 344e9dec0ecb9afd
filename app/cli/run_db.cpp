#include "run_db.h"

#include "lora/error.h"

#include <iostream>

namespace lora::cli {

void addDbOption(CLI::App& cmd, std::string& db)
{
    cmd.add_option("--db", db, "Run database (default: $LORA_STUDIO_DB, else the one lora-studio uses: " +
                                   RunStore::defaultPath().string() + ")");
}

RunStore openRunStore(const std::string& dbFlag)
{
    const std::filesystem::path file = dbFlag.empty() ? RunStore::defaultPath() : std::filesystem::path(dbFlag);
    try {
        RunStore store(file);
        for (int64_t id : store.interruptedAtOpen())
            std::cerr << "run " << id << " was left running by a process that is gone: marked interrupted "
                      << "(lora-cli runs resume " << id << " continues it)\n";
        return store;
    } catch (const StoreError& e) {
        throw Error(std::string(e.what()) + " With lora-cli: add --db " + e.freshPath().string() +
                    " to go on with a new database.");
    }
}

}  // namespace lora::cli
