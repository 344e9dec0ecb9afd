#include "sweep_report.h"

#include "run_db.h"

#include "lora/error.h"
#include "lora/sweep.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace lora::cli {
namespace {

std::string fixed(const std::optional<double>& v, const char* format)
{
    if (!v)
        return "-";
    char out[32];
    std::snprintf(out, sizeof out, format, *v);
    return out;
}

std::optional<double> megabytes(const std::optional<int64_t>& bytes)
{
    return bytes ? std::optional<double>(static_cast<double>(*bytes) / (1024.0 * 1024.0)) : std::nullopt;
}

}  // namespace

void addSweepReportOptions(CLI::App& cmd, SweepReportOptions& options)
{
    cmd.add_flag("--json", options.json, "JSON instead of a table");
    cmd.add_option("--cost", options.cost, "The Pareto front's cost axis: params (trainable) or bytes (adapter size)")
        ->check(CLI::IsMember({"params", "bytes"}));
    cmd.add_option("--metric", options.metric,
                   "Compare on the best value of this validation metric (maximised) instead of the best val loss");
}

int showSweep(const std::string& db, int64_t sweepId, const SweepReportOptions& options)
{
    auto store = openRunStore(db);
    const auto sweep = store.sweep(sweepId);
    if (!sweep)
        throw Error(store.path().string() + ": there is no sweep " + std::to_string(sweepId) + " (lora-cli sweep list)");
    SweepAxes axes;
    axes.cost = options.cost == "bytes" ? SweepCost::AdapterBytes : SweepCost::TrainableParameters;
    axes.metric = options.metric;
    const auto results = sweepResults(store, sweepId, axes);
    const std::string quality = axes.metric.empty() ? "best_val_loss" : "best_" + axes.metric;

    if (options.json) {
        nlohmann::json j{{"id", sweep->id}, {"name", sweep->name}, {"status", runStatusName(sweep->status)},
                         {"grid", nlohmann::json::parse(sweep->gridJson, nullptr, false)}, {"cells", nlohmann::json::array()}};
        for (const auto& r : results) {
            nlohmann::json c{{"run_id", r.run.id}, {"cell", r.run.sweepCell ? nlohmann::json(*r.run.sweepCell) : nlohmann::json()},
                             {"status", runStatusName(r.run.status)}, {"trainable_params", r.run.trainableParams},
                             {"adapter_bytes", r.adapterBytes ? nlohmann::json(*r.adapterBytes) : nlohmann::json()},
                             {quality, r.quality ? nlohmann::json(*r.quality) : nlohmann::json()},
                             {"pareto", r.onFront}};
            if (r.cell)
                c.update({{"rank", r.cell->rank}, {"preset", targetPresetId(r.cell->preset)},
                          {"layers", r.cell->layers.text}, {"seed", r.cell->seed}});
            j["cells"].push_back(c);
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << "sweep " << sweep->id << " '" << sweep->name << "': " << runStatusName(sweep->status) << ", "
              << results.size() << " cells\n";
    std::printf("%-5s %-5s %-5s %-11s %-7s %-6s %-11s %12s %11s %13s  %s\n", "CELL", "RUN", "RANK", "PRESET", "LAYERS",
                "SEED", "STATUS", "TRAINABLE", "ADAPTER_MB", axes.metric.empty() ? "BEST_VAL" : "BEST_METRIC", "PARETO");
    for (const auto& r : results) {
        const auto& c = r.cell;
        std::printf("%-5s %-5lld %-5s %-11s %-7s %-6s %-11s %12lld %11s %13s  %s\n",
                    r.run.sweepCell ? std::to_string(*r.run.sweepCell).c_str() : "-", static_cast<long long>(r.run.id),
                    c ? std::to_string(c->rank).c_str() : "-", c ? targetPresetId(c->preset).c_str() : "-",
                    c ? c->layers.text.c_str() : "-", c ? std::to_string(c->seed).c_str() : "-",
                    runStatusName(r.run.status).c_str(), static_cast<long long>(r.run.trainableParams),
                    fixed(megabytes(r.adapterBytes), "%.3f").c_str(), fixed(r.quality, "%.4f").c_str(),
                    r.onFront ? "*" : "");
    }
    std::fflush(stdout);
    return 0;
}

int listSweeps(const std::string& db)
{
    auto store = openRunStore(db);
    std::printf("%-5s %-24s %-12s %s\n", "ID", "NAME", "STATUS", "CELLS");
    for (const auto& s : store.sweeps()) {
        const auto runs = store.sweepRuns(s.id);
        size_t done = 0;
        for (const auto& r : runs)
            done += r.status == RunStatus::Completed;
        std::printf("%-5lld %-24s %-12s %zu/%zu completed\n", static_cast<long long>(s.id), s.name.c_str(),
                    runStatusName(s.status).c_str(), done, runs.size());
    }
    return 0;
}

}  // namespace lora::cli
