#pragma once
// A run that trained elsewhere (on a cluster, with lora-cli) brought into the run history: its output folder
// as rank 0 wrote it (the PEFT adapter, metrics.jsonl, checkpoints/) becomes a completed run with every step's
// metrics and the adapter in the library, linked to it, recorded through RunRecorder as a local run would be.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

struct ImportedRun {
    int64_t runId = 0;
    std::optional<int64_t> adapterId;
    int64_t steps = 0;    // metric lines read
    std::string warning;  // the database could not take part of it (the run row says how far it got)
};

// The configuration comes from the newest checkpoint, else from a run.json in the folder (the file Export for
// a Cluster wrote). Throws lora::Error naming the folder or file when there is no adapter, no configuration,
// or a metrics line that is not one lora-cli writes (with its line number); nothing is recorded then.
ImportedRun importRunFolder(const std::filesystem::path& database, const std::filesystem::path& folder);
