// A run database file from hostile bytes (a copied or damaged runs.sqlite, as lora-cli --db and the GUI open
// it): opened with its header and schema checks and migrations, its runs listed, an adapter exported from it.
#include "fuzz_support.h"
#include "lora/run_store.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto file = lora::fuzz::scratchFile("runs.sqlite");
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(file.string() + suffix);
    lora::fuzz::writeScratch("runs.sqlite", lora::fuzz::asText(data, size));
    lora::fuzz::expectOnlyLoraErrors([&] {
        lora::RunStore store(file);
        for (const auto& run : store.runs())
            (void)store.metrics(run.id);
        for (const auto& adapter : store.adapters())
            store.exportAdapter(adapter.id, lora::fuzz::scratchFile("exported"));
    });
    return 0;
}
