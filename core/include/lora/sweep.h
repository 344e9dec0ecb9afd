#pragma once
// Sweeps: a grid of LoRA runs over ranks x target presets x layer ranges x seeds on top of one base
// TrainingConfig, planned before anything trains (each cell's targets and parameter budget), stored in the run
// database as one group (a sweeps row and one queued run per cell), run one cell after another (sweep_queue.h),
// and compared on the Pareto front of cost (trainable parameters or adapter bytes) against quality (best
// validation loss, or a task metric). Torch-free.
#include "lora/lora_targets.h"
#include "lora/model.h"
#include "lora/run_store.h"
#include "lora/target_presets.h"
#include "lora/training.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lora {

// Which blocks a cell adapts (PEFT's layers_to_transform). `layers` empty: every block.
struct LayerRange {
    std::string text;  // as given: "all", "3", "0-1"
    std::vector<int> layers;
};
// "all", "N" or "A-B" (A <= B). Throws lora::Error naming the text.
LayerRange parseLayerRange(const std::string& text);

struct SweepGrid {
    std::vector<int> ranks;
    std::vector<TargetPreset> presets;
    std::vector<LayerRange> layerRanges;
    std::vector<uint64_t> seeds;
};

// {"ranks": [2, 4], "target_presets": ["qv", "all-linear"], "layers": ["0-1", "all"], "seeds": [1]}
std::string sweepGridToJson(const SweepGrid& grid);
// Throws lora::Error naming `file` and the key (unknown keys are errors, as in run files).
SweepGrid sweepGridFromJson(const std::string& json, const std::filesystem::path& file);
// An empty axis, a rank < 1 or a repeated value is an error naming the axis.
void checkSweepGrid(const SweepGrid& grid);

struct SweepCell {
    int64_t index = 0;  // position in expandSweepGrid's order
    int rank = 0;
    TargetPreset preset = TargetPreset::QueryValue;
    LayerRange layers;
    uint64_t seed = 0;

    std::string label() const;       // "r4 qv layers 0-1 seed 1"
    std::string folderName() const;  // "03-r4-qv-L0-1-s1"
};
// Every combination, ranks outermost and seeds innermost.
std::vector<SweepCell> expandSweepGrid(const SweepGrid& grid);

// A sweep file for `lora-cli sweep --config`: {"name": "...", "grid": {...}, "base": {a run file's keys}}.
struct SweepSpec {
    std::string name;
    SweepGrid grid;
    TrainingConfig base;
};
std::string sweepSpecToJson(const SweepSpec& spec);
SweepSpec readSweepSpec(const std::filesystem::path& file);

// One cell's run: the base with the cell's rank, targets, layers and seed, in its own folder under the base's
// output_dir.
TrainingConfig sweepCellConfig(const TrainingConfig& base, const SweepCell& cell, const ModelDescription& model);

struct PlannedCell {
    SweepCell cell;
    TrainingConfig config;
    ParameterBudget budget;
};
// Every cell with its configuration and budget, before any training. Throws lora::Error naming the cell when one
// cannot run (a layer the model lacks, a preset with no module), and when the base cannot give a best validation
// loss (validation_fraction 0) or is not a LoRA run.
std::vector<PlannedCell> planSweep(const SweepSpec& spec, const ModelDescription& model);

// Records the sweep and its cells (queued runs, their planned parameter counts set) in the database.
int64_t createSweep(RunStore& store, const SweepSpec& spec, const std::vector<PlannedCell>& cells);

// The cell a sweep run stands for, from the sweep's stored grid; nullopt when it is not in the grid.
std::optional<SweepCell> sweepCellOf(const SweepRecord& sweep, const RunRecord& run);

// What a sweep's chart and `lora-cli sweep show` compare.
enum class SweepCost { TrainableParameters, AdapterBytes };
struct SweepAxes {
    SweepCost cost = SweepCost::TrainableParameters;
    std::string metric;  // empty: best validation loss (minimised); else the best value of this val metric, maximised
};

struct SweepResult {
    RunRecord run;
    std::optional<SweepCell> cell;
    std::optional<int64_t> adapterBytes;  // of the adapter the run stored in the library
    std::optional<double> cost;           // per the axes; absent when unknown (no stored adapter yet)
    std::optional<double> quality;        // absent until the run has evaluated
    bool onFront = false;
};
// Every run of the sweep by cell, with the Pareto front marked among those that have both cost and quality.
std::vector<SweepResult> sweepResults(const RunStore& store, int64_t sweepId, const SweepAxes& axes = {});

}  // namespace lora
