// lora-cli report: a run (or a sweep) of the run database exported as one self-contained HTML file: config,
// curves, parameter budget, ΔW spectra, and for a sweep every run with the Pareto chart.
#include "commands.h"
#include "run_db.h"

#include "lora/error.h"
#include "lora/report.h"

#include <iostream>
#include <memory>
#include <optional>

namespace lora::cli {
namespace {

struct ReportFlags {
    std::optional<int64_t> run, sweep;
    std::string out, db, cost = "params", metric;
};

int report(const ReportFlags& f)
{
    if (f.run.has_value() == f.sweep.has_value())
        throw Error("give a RUN_ID or --sweep SWEEP_ID (one of them) — `lora-cli runs list` and `lora-cli sweep list` "
                    "show the ids");
    const auto store = openRunStore(f.db);
    size_t bytes = 0;
    if (f.run) {
        bytes = writeRunReport(store, *f.run, f.out);
    } else {
        SweepAxes axes;
        axes.cost = f.cost == "bytes" ? SweepCost::AdapterBytes : SweepCost::TrainableParameters;
        axes.metric = f.metric;
        bytes = writeSweepReport(store, *f.sweep, f.out, axes);
    }
    std::cout << "wrote " << f.out << " (" << bytes << " bytes)\n";
    return 0;
}

}  // namespace

void addReportCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("report", "Export a run or a sweep as one self-contained HTML file (config, "
                                             "curves, parameter budget, spectra, Pareto chart; charts as inline SVG)");
    auto f = std::make_shared<ReportFlags>();
    cmd->add_option("run", f->run, "Run id (lora-cli runs list)");
    cmd->add_option("--sweep", f->sweep, "Report on this sweep instead (lora-cli sweep list)");
    cmd->add_option("--out,-o", f->out, "The HTML file to write")->required();
    cmd->add_option("--cost", f->cost, "A sweep's Pareto cost axis: params (trainable) or bytes (adapter size)")
        ->check(CLI::IsMember({"params", "bytes"}));
    cmd->add_option("--metric", f->metric,
                    "A sweep compared on the best value of this validation metric (maximised) instead of val loss");
    addDbOption(*cmd, f->db);
    cmd->callback([&selected, f] { selected = [=] { return report(*f); }; });
}

}  // namespace lora::cli
