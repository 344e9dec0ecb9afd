#pragma once
// lora-cli sweep show / list: a sweep's cells with their cost, best validation loss and place on the Pareto front.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace lora::cli {

struct SweepReportOptions {
    bool json = false;
    std::string cost = "params";  // params | bytes
    std::string metric;           // empty: best validation loss
};

void addSweepReportOptions(CLI::App& cmd, SweepReportOptions& options);
int showSweep(const std::string& db, int64_t sweepId, const SweepReportOptions& options);
int listSweeps(const std::string& db);

}  // namespace lora::cli
