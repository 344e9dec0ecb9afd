// A sweep's runs as points of cost against quality, with the Pareto front marked.
#include "lora/pareto.h"
#include "lora/sweep.h"

#include "lora/error.h"

#include <algorithm>
#include <map>

namespace lora {

std::vector<SweepResult> sweepResults(const RunStore& store, int64_t sweepId, const SweepAxes& axes)
{
    const auto sweep = store.sweep(sweepId);
    if (!sweep)
        throw Error(store.path().string() + ": there is no sweep " + std::to_string(sweepId));
    std::vector<SweepCell> cells;
    try {
        cells = expandSweepGrid(sweepGridFromJson(sweep->gridJson, store.path()));
    } catch (const Error&) {
        // A grid this version cannot read: the runs are still shown, without their cells.
    }
    std::map<int64_t, int64_t> adapterBytes;  // run id -> bytes of its stored adapter
    for (const auto& a : store.adapters())
        if (a.runId)
            adapterBytes[*a.runId] = a.sizeBytes;

    std::vector<SweepResult> results;
    for (auto& run : store.sweepRuns(sweepId)) {
        SweepResult r;
        if (run.sweepCell && *run.sweepCell >= 0 && *run.sweepCell < static_cast<int64_t>(cells.size()))
            r.cell = cells[static_cast<size_t>(*run.sweepCell)];
        if (auto it = adapterBytes.find(run.id); it != adapterBytes.end())
            r.adapterBytes = it->second;
        if (axes.cost == SweepCost::AdapterBytes) {
            if (r.adapterBytes)
                r.cost = static_cast<double>(*r.adapterBytes);
        } else if (run.trainableParams > 0) {
            r.cost = static_cast<double>(run.trainableParams);
        }
        // Only finished cells are compared: a stopped or interrupted one trained for fewer steps.
        if (run.status != RunStatus::Completed) {
        } else if (axes.metric.empty()) {
            r.quality = run.bestValLoss;
        } else {
            for (const auto& m : store.metrics(run.id, "val", axes.metric))
                r.quality = r.quality ? std::max(*r.quality, m.value) : m.value;
        }
        r.run = std::move(run);
        results.push_back(std::move(r));
    }

    std::vector<ParetoPoint> points;
    std::vector<size_t> owner;
    for (size_t i = 0; i < results.size(); ++i)
        if (results[i].cost && results[i].quality) {
            points.push_back({*results[i].cost, *results[i].quality});
            owner.push_back(i);
        }
    const auto goal = axes.metric.empty() ? QualityGoal::Minimise : QualityGoal::Maximise;
    for (size_t i : paretoFront(points, goal))
        results[owner[i]].onFront = true;
    return results;
}

}  // namespace lora
