#pragma once
// The run database as lora-cli opens it: --db FILE, else LORA_STUDIO_DB, else the user's data folder (the same
// file lora-studio uses). Training records its run there; `runs` and `adapters` read and change it.
#include "lora/run_store.h"
#include "lora/training.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lora::cli {

void addDbOption(CLI::App& cmd, std::string& db);
// Opens the database; a locked or corrupt one is reported with the --db way on (the file is left untouched).
RunStore openRunStore(const std::string& dbFlag);

// How a training run is recorded.
struct RecordOptions {
    std::string db;             // --db ("" : the default)
    bool enabled = true;        // --no-db turns recording off
    int commitMs = 1000;        // commit waiting metrics at the first step boundary after this many ms
    bool reportCommits = false; // print "db: ... committed through step N" on stderr after each metrics commit
    std::string name;
    std::vector<std::string> tags;
    std::optional<int64_t> runId;  // resume: the existing run row
    std::shared_ptr<ProcessGroup> group;  // data-parallel: this process is rank 0 of it (lora/distributed.h)
};

// Trains `config` (progress on stderr, metrics.jsonl, Ctrl-C stops) and records it; returns the exit code.
int trainAndRecord(const TrainingConfig& config, const std::string& metricsFile, const RecordOptions& record);

}  // namespace lora::cli
