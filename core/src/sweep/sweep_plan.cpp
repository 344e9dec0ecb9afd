// A sweep before it trains: each cell's configuration and parameter budget, and the sweep recorded as one group.
#include "lora/sweep.h"

#include "lora/error.h"

namespace lora {

TrainingConfig sweepCellConfig(const TrainingConfig& base, const SweepCell& cell, const ModelDescription& model)
{
    TrainingConfig c = base;
    c.lora.r = cell.rank;
    applyTargetPreset(c.lora, model, cell.preset);
    c.lora.layersToTransform = cell.layers.layers;
    c.seed = cell.seed;
    c.outputDir = base.outputDir / cell.folderName();
    c.resumeFrom.clear();
    return c;
}

std::vector<PlannedCell> planSweep(const SweepSpec& spec, const ModelDescription& model)
{
    checkSweepGrid(spec.grid);
    if (spec.base.mode != TrainingMode::Lora)
        throw Error("a sweep trains LoRA adapters: the base configuration's mode must be \"lora\"");
    if (!(spec.base.validationFraction > 0))
        throw Error("a sweep compares runs by their best validation loss: set validation_fraction above 0 "
                    "(lora-cli sweep --val-fraction)");
    if (spec.base.outputDir.empty())
        throw Error("a sweep needs an output folder (--out, or output_dir in the base): each cell writes a folder in it");
    for (const auto& range : spec.grid.layerRanges)
        for (int layer : range.layers)
            if (layer >= model.numLayers)
                throw Error("layer range '" + range.text + "': the model has " + std::to_string(model.numLayers) +
                            " layers (0-" + std::to_string(model.numLayers - 1) + ")");
    std::vector<PlannedCell> planned;
    for (const auto& cell : expandSweepGrid(spec.grid)) {
        try {
            auto config = sweepCellConfig(spec.base, cell, model);
            const auto targets = selectTargets(model, config.lora);
            auto budget = computeBudget(model, targets, config.lora);
            planned.push_back({cell, std::move(config), std::move(budget)});
        } catch (const std::exception& e) {
            throw Error("sweep cell " + cell.label() + ": " + e.what());
        }
    }
    return planned;
}

int64_t createSweep(RunStore& store, const SweepSpec& spec, const std::vector<PlannedCell>& cells)
{
    NewSweep sweep;
    sweep.name = spec.name.empty() ? spec.base.outputDir.filename().string() : spec.name;
    sweep.gridJson = sweepGridToJson(spec.grid);
    sweep.baseConfigJson = trainingConfigToJson(spec.base);
    std::vector<NewRun> runs;
    for (const auto& p : cells) {
        NewRun run;
        run.name = sweep.name + " " + p.cell.label();
        run.modelPath = p.config.modelDir.string();
        run.datasetPath = p.config.dataFile.string();
        run.configJson = trainingConfigToJson(p.config);
        run.device = p.config.device;
        run.outputDir = p.config.outputDir.string();
        run.totalSteps = p.config.maxSteps;
        run.tags = {"sweep"};
        run.sweepCell = p.cell.index;
        run.totalParams = p.budget.total;
        run.trainableParams = p.budget.trainable;
        runs.push_back(std::move(run));
    }
    return store.createSweep(sweep, runs);
}

std::optional<SweepCell> sweepCellOf(const SweepRecord& sweep, const RunRecord& run)
{
    if (!run.sweepCell || run.sweepId != sweep.id)
        return std::nullopt;
    try {
        const auto cells = expandSweepGrid(sweepGridFromJson(sweep.gridJson, "sweep " + std::to_string(sweep.id)));
        if (*run.sweepCell >= 0 && *run.sweepCell < static_cast<int64_t>(cells.size()))
            return cells[static_cast<size_t>(*run.sweepCell)];
    } catch (const Error&) {
    }
    return std::nullopt;
}

}  // namespace lora
