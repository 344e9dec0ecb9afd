// lora-cli sweep: a grid of LoRA runs (ranks x target presets x layer ranges x seeds) planned, recorded in the run
// database as one sweep, and trained one cell after another with progress on stderr. Ctrl-C stops after the current
// step (a checkpoint is kept); `sweep resume ID` runs the cells not completed yet, also after a crash.
#include "commands.h"
#include "interrupt.h"
#include "run_db.h"
#include "sweep_report.h"

#include "lora/error.h"
#include "lora/model.h"
#include "lora/sweep.h"
#include "lora/sweep_queue.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace lora::cli {
namespace {

struct SweepFlags {
    std::string config, model, tokenizer, data, out, name, db, device;
    std::vector<int> ranks;
    std::vector<std::string> presets, layers;
    std::vector<uint64_t> seeds;
    int64_t steps = 0, batchSize = 0, evalEvery = 0, saveEvery = 0, blockSize = 0, maxLength = 0;
    double alpha = 0, lr = 0, valFraction = 0.1;
    int threads = 0;
    bool printConfig = false, dryRun = false;
    int64_t id = 0;
    SweepReportOptions report;
};

bool given(const CLI::App& cmd, const std::string& name) { return cmd.get_option(name)->count() > 0; }

SweepGrid gridFromFlags(const SweepFlags& f)
{
    SweepGrid grid;
    grid.ranks = f.ranks;
    for (const auto& id : f.presets) {
        const auto preset = parseTargetPreset(id);
        if (!preset)
            throw Error("--targets-presets: '" + id + "' is not a preset (qv, attention, mlp, all-linear)");
        grid.presets.push_back(*preset);
    }
    for (const auto& text : f.layers)
        grid.layerRanges.push_back(parseLayerRange(text));
    grid.seeds = f.seeds;
    return grid;
}

// A sweep file, or the flags; flags given with a file replace its values.
SweepSpec resolveSpec(const CLI::App& cmd, const SweepFlags& f)
{
    SweepSpec spec;
    if (!f.config.empty()) {
        spec = readSweepSpec(f.config);
    } else {
        spec.base.lora.alpha = 16;  // the CLI's default, as for train
        spec.base.validationFraction = f.valFraction;
        spec.grid = {{4}, {TargetPreset::QueryValue}, {parseLayerRange("all")}, {42}};
    }
    const SweepGrid flags = gridFromFlags(f);
    if (given(cmd, "--ranks"))
        spec.grid.ranks = flags.ranks;
    if (given(cmd, "--targets-presets"))
        spec.grid.presets = flags.presets;
    if (given(cmd, "--layers"))
        spec.grid.layerRanges = flags.layerRanges;
    if (given(cmd, "--seeds"))
        spec.grid.seeds = flags.seeds;
    if (given(cmd, "--name"))
        spec.name = f.name;
    auto& b = spec.base;
    if (given(cmd, "--model"))
        b.modelDir = f.model;
    if (given(cmd, "--tokenizer"))
        b.tokenizerFile = f.tokenizer;
    if (given(cmd, "--data"))
        b.dataFile = f.data;
    if (given(cmd, "--out"))
        b.outputDir = f.out;
    if (given(cmd, "--steps"))
        b.maxSteps = f.steps;
    if (given(cmd, "--batch-size"))
        b.batchSize = f.batchSize;
    if (given(cmd, "--alpha"))
        b.lora.alpha = f.alpha;
    if (given(cmd, "--lr"))
        b.learningRate = f.lr;
    if (given(cmd, "--val-fraction"))
        b.validationFraction = f.valFraction;
    if (given(cmd, "--eval-every"))
        b.evalSteps = f.evalEvery;
    if (given(cmd, "--save-every"))
        b.saveSteps = f.saveEvery;
    if (given(cmd, "--block-size"))
        b.dataset.blockSize = static_cast<int32_t>(f.blockSize);
    if (given(cmd, "--max-length"))
        b.dataset.maxLength = static_cast<int32_t>(f.maxLength);
    if (given(cmd, "--device"))
        b.device = f.device;
    if (given(cmd, "--threads"))
        b.threads = f.threads;
    // Stored in the database: absolute paths keep the cells runnable from any working folder.
    for (auto* path : {&b.modelDir, &b.tokenizerFile, &b.dataFile, &b.outputDir})
        if (!path->empty())
            *path = std::filesystem::absolute(*path).lexically_normal();
    if (b.modelDir.empty() || b.dataFile.empty())
        throw Error("a sweep needs --model and --data (or model and data in the sweep file's base)");
    return spec;
}

std::string progressLine(size_t position, size_t count, const TrainingProgress& p)
{
    char line[200];
    std::snprintf(line, sizeof line, "[cell %zu/%zu] step %lld/%lld  loss %.4f", position, count,
                  static_cast<long long>(p.step), static_cast<long long>(p.totalSteps), p.trainLoss);
    std::string s = line;
    if (p.valLoss) {
        std::snprintf(line, sizeof line, "  val %.4f", *p.valLoss);
        s += line;
    }
    return s;
}

// Trains every cell left; prints a JSON summary on stdout. Exit 0 when every cell completed, 2 when stopped.
int runCells(const std::filesystem::path& database, int64_t sweepId)
{
    size_t position = 0, count = 0;
    SweepCallbacks callbacks;
    callbacks.cellStarted = [&](const SweepCellRun& cell, size_t at, size_t of) {
        position = at;
        count = of;
        std::cerr << "sweep " << sweepId << ": cell " << at << "/" << of << " run " << cell.runId << " " << cell.name;
        if (cell.resumeStep)
            std::cerr << " (resuming from step " << *cell.resumeStep << ")";
        std::cerr << std::endl;
    };
    callbacks.progress = [&](const TrainingProgress& p) { std::cerr << progressLine(position, count, p) << std::endl; };
    callbacks.log = [](const std::string& line) { std::cerr << line << "\n"; };
    callbacks.proceed = [] { return !interruptRequested(); };
    callbacks.cellFinished = [&](const SweepCellRun& cell, const TrainingResult& result) {
        std::cerr << "sweep " << sweepId << ": run " << cell.runId << " " << statusName(result.status);
        if (!result.error.empty())
            std::cerr << ": " << result.error;
        std::cerr << std::endl;
    };
    catchInterrupt();
    const RunStatus status = runSweep(database, sweepId, callbacks);
    releaseInterrupt();

    RunStore store(database);
    const auto results = sweepResults(store, sweepId);
    size_t completed = 0;
    for (const auto& r : results)
        completed += r.run.status == RunStatus::Completed;
    nlohmann::json summary{{"sweep_id", sweepId}, {"status", runStatusName(status)}, {"cells", results.size()},
                           {"completed", completed}, {"database", database.string()}};
    std::cout << summary.dump() << "\n";
    if (status == RunStatus::Stopped) {
        std::cerr << "stopped; continue with: lora-cli sweep resume " << sweepId << " --db " << database.string() << "\n";
        return 2;
    }
    return status == RunStatus::Completed ? 0 : 1;
}

int create(const CLI::App& cmd, const SweepFlags& f)
{
    const SweepSpec spec = resolveSpec(cmd, f);
    if (f.printConfig) {
        std::cout << sweepSpecToJson(spec);
        return 0;
    }
    const auto model = Model::load(spec.base.modelDir);
    const auto cells = planSweep(spec, model->description());
    int64_t trainable = 0;
    for (const auto& c : cells)
        trainable += c.budget.trainable;
    std::cerr << cells.size() << " runs, " << trainable << " trainable parameters in all\n";
    if (f.dryRun) {
        for (const auto& c : cells)
            std::cout << c.cell.index << "  " << c.cell.label() << "  trainable " << c.budget.trainable << "\n";
        return 0;
    }
    auto store = openRunStore(f.db);
    const int64_t id = createSweep(store, spec, cells);
    std::cerr << "sweep " << id << " recorded in " << store.path().string() << std::endl;
    return runCells(store.path(), id);
}

int resume(const SweepFlags& f)
{
    const auto store = openRunStore(f.db);  // reports (and marks) the runs a crash left running
    for (int64_t id : store.interruptedSweepsAtOpen())
        std::cerr << "sweep " << id << " was left running by a process that is gone: marked interrupted\n";
    return runCells(store.path(), f.id);
}

}  // namespace

void addSweepCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand(
        "sweep", "Train a grid of LoRA runs (ranks x target presets x layer ranges x seeds), stored as one sweep in "
                 "the run database: resume, show (with the Pareto front), list");
    auto f = std::make_shared<SweepFlags>();
    cmd->add_option("--config", f->config, "Sweep file: {\"name\", \"grid\": {ranks, target_presets, layers, seeds}, "
                                           "\"base\": {a run file}}; flags override it");
    cmd->add_option("--model", f->model, "Hugging Face model folder");
    cmd->add_option("--tokenizer", f->tokenizer, "tokenizer.json (default: the model folder's)");
    cmd->add_option("--data", f->data, "Training data: .txt/.md, .jsonl, .csv/.tsv");
    cmd->add_option("--out", f->out, "Output folder: one folder per cell (NN-rR-PRESET-Llayers-sSEED)");
    cmd->add_option("--name", f->name, "The sweep's name (default: the --out folder's name)");
    cmd->add_option("--ranks", f->ranks, "Ranks, e.g. 2,4,8")->delimiter(',');
    cmd->add_option("--targets-presets", f->presets, "Target presets: qv (the LoRA paper's q and v), attention, mlp, "
                                                     "all-linear; e.g. qv,all-linear")
        ->delimiter(',');
    cmd->add_option("--layers", f->layers, "Layer ranges (layers_to_transform): all, N or A-B; e.g. 0-1,all")
        ->delimiter(',');
    cmd->add_option("--seeds", f->seeds, "Seeds, e.g. 1,2,3")->delimiter(',');
    cmd->add_option("--steps", f->steps, "Optimizer steps of each run");
    cmd->add_option("--batch-size", f->batchSize, "Examples per micro-batch");
    cmd->add_option("--alpha", f->alpha, "lora_alpha of every cell (default 16)");
    cmd->add_option("--lr", f->lr, "Peak learning rate");
    cmd->add_option("--val-fraction", f->valFraction, "Fraction held out for the validation loss the sweep compares "
                                                      "(default 0.1)");
    cmd->add_option("--eval-every", f->evalEvery, "Evaluate every N steps (default: at the end)");
    cmd->add_option("--save-every", f->saveEvery, "Checkpoint every N steps, so an interrupted cell resumes there");
    cmd->add_option("--block-size", f->blockSize, "Text: tokens per packed block");
    cmd->add_option("--max-length", f->maxLength, "JSONL/CSV: longer examples are truncated");
    cmd->add_option("--device", f->device, "cpu, cuda, cuda:N");
    cmd->add_option("--threads", f->threads, "Intra-op threads for training (0: default)");
    cmd->add_flag("--print-config", f->printConfig, "Print the resolved sweep file and exit");
    cmd->add_flag("--dry-run", f->dryRun, "Plan only: print each cell and its trainable parameters");
    addDbOption(*cmd, f->db);

    auto* rs = cmd->add_subcommand("resume", "Run the cells of a sweep not completed yet (after a crash or a stop); "
                                             "an interrupted cell continues from its last checkpoint");
    rs->add_option("id", f->id, "Sweep id")->required();
    addDbOption(*rs, f->db);
    auto* sh = cmd->add_subcommand("show", "Each cell of a sweep: trainable parameters, adapter MB, best validation "
                                           "loss, and whether it is on the Pareto front");
    sh->add_option("id", f->id, "Sweep id")->required();
    addDbOption(*sh, f->db);
    addSweepReportOptions(*sh, f->report);
    auto* ls = cmd->add_subcommand("list", "Every sweep, newest first");
    addDbOption(*ls, f->db);

    rs->callback([&selected, f] { selected = [=] { return resume(*f); }; });
    sh->callback([&selected, f] { selected = [=] { return showSweep(f->db, f->id, f->report); }; });
    ls->callback([&selected, f] { selected = [=] { return listSweeps(f->db); }; });
    cmd->callback([&selected, cmd, f] {
        if (cmd->get_subcommands().empty())
            selected = [=] { return create(*cmd, *f); };
    });
}

}  // namespace lora::cli
