// lora-cli train: a LoRA (or full fine-tuning) run from flags or a run file, progress on stderr, a PEFT adapter
// folder and checkpoints in --out. Ctrl-C stops after the current step and keeps a checkpoint to --resume from.
// The run is recorded in the run database (config, status, every step's metrics, checkpoints, the adapter).
// Under torchrun (WORLD_SIZE > 1) it trains data-parallel: rank 0 does all of the above, the others only train.
#include "commands.h"
#include "interrupt.h"
#include "lora_options.h"
#include "run_db.h"

#include "lora/distributed.h"
#include "lora/error.h"
#include "lora/run_store.h"
#include "lora/training.h"
#include "lora/run_recorder.h"
#include "lora/training_job.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

namespace lora::cli {
namespace {

struct TrainFlags {
    std::string config;
    std::string resume;
    std::string model, tokenizer, data, out, metrics;
    std::string format, schedule, device, dtype;
    std::string db, name;
    std::vector<std::string> tags;
    bool noDb = false, reportCommits = false;
    int commitMs = 1000;
    int64_t steps = 0, batchSize = 0, gradAccum = 0, warmup = 0, evalEvery = 0, evalBatches = 0;
    int64_t saveEvery = 0, saveLimit = 0, blockSize = 0, maxLength = 0;
    double epochs = 0, lr = 0, weightDecay = 0, maxGradNorm = 0, valFraction = 0;
    uint64_t seed = 0;
    int threads = 0;
    bool full = false, skipBadRows = false, noShuffle = false, bf16 = false, saveInitial = false, printConfig = false;
    LoraOptions lora;
};

bool given(const CLI::App& cmd, const std::string& name) { return cmd.get_option(name)->count() > 0; }

// Only the LoRA flags the user typed replace the run file's (or checkpoint's) values.
void mergeLora(const CLI::App& cmd, const LoraOptions& options, LoraConfig& into)
{
    const LoraConfig flags = options.resolve();
    if (given(cmd, "--targets") || given(cmd, "--target-regex")) {
        into.targetModules = flags.targetModules;
        into.targetRegex = flags.targetRegex;
    }
    if (given(cmd, "--exclude")) {
        into.excludeModules = flags.excludeModules;
        into.excludeRegex.reset();
    }
    if (given(cmd, "--layers"))
        into.layersToTransform = flags.layersToTransform;
    if (given(cmd, "--rank"))
        into.r = flags.r;
    if (given(cmd, "--alpha"))
        into.alpha = flags.alpha;
    if (given(cmd, "--dropout"))
        into.dropout = flags.dropout;
    if (given(cmd, "--rslora"))
        into.useRslora = flags.useRslora;
    if (given(cmd, "--dora"))
        into.useDora = flags.useDora;
    if (given(cmd, "--rank-pattern"))
        into.rankPattern = flags.rankPattern;
    if (given(cmd, "--alpha-pattern"))
        into.alphaPattern = flags.alphaPattern;
    if (given(cmd, "--task"))
        into.taskType = flags.taskType;
}

TrainingConfig resolveConfig(const CLI::App& cmd, const TrainFlags& f)
{
    TrainingConfig c;
    if (!f.config.empty())
        c = readTrainingConfig(f.config);
    else if (!f.resume.empty())
        c = readCheckpointConfig(f.resume);  // the run as it was started, flags below may still change it
    else
        c.lora = f.lora.resolve();  // flags alone: the LoRA defaults are the CLI's (alpha 16, q_proj,v_proj)
    mergeLora(cmd, f.lora, c.lora);

    if (given(cmd, "--model"))
        c.modelDir = f.model;
    if (given(cmd, "--tokenizer"))
        c.tokenizerFile = f.tokenizer;
    if (given(cmd, "--data"))
        c.dataFile = f.data;
    if (given(cmd, "--out"))
        c.outputDir = f.out;
    if (given(cmd, "--format"))
        for (auto format : {DatasetFormat::Auto, DatasetFormat::Text, DatasetFormat::Jsonl, DatasetFormat::Csv,
                            DatasetFormat::Tsv})
            if (datasetFormatName(format) == f.format)
                c.dataset.format = format;
    if (given(cmd, "--skip-bad-rows"))
        c.dataset.badRows = BadRowPolicy::Skip;
    if (given(cmd, "--block-size"))
        c.dataset.blockSize = static_cast<int32_t>(f.blockSize);
    if (given(cmd, "--max-length"))
        c.dataset.maxLength = static_cast<int32_t>(f.maxLength);
    if (given(cmd, "--full"))
        c.mode = TrainingMode::Full;
    if (given(cmd, "--steps"))
        c.maxSteps = f.steps;
    if (given(cmd, "--epochs")) {
        c.epochs = f.epochs;
        if (!given(cmd, "--steps"))
            c.maxSteps = 0;  // epochs decide
    }
    if (given(cmd, "--batch-size"))
        c.batchSize = f.batchSize;
    if (given(cmd, "--grad-accum"))
        c.gradientAccumulation = f.gradAccum;
    if (given(cmd, "--no-shuffle"))
        c.shuffle = false;
    if (given(cmd, "--lr"))
        c.learningRate = f.lr;
    if (given(cmd, "--weight-decay"))
        c.weightDecay = f.weightDecay;
    if (given(cmd, "--warmup"))
        c.warmupSteps = f.warmup;
    if (given(cmd, "--schedule"))
        c.schedule = parseSchedule(f.schedule);
    if (given(cmd, "--max-grad-norm"))
        c.maxGradNorm = f.maxGradNorm;
    if (given(cmd, "--eval-every"))
        c.evalSteps = f.evalEvery;
    if (given(cmd, "--eval-batches"))
        c.evalBatches = f.evalBatches;
    if (given(cmd, "--val-fraction"))
        c.validationFraction = f.valFraction;
    if (given(cmd, "--seed"))
        c.seed = f.seed;
    if (given(cmd, "--device"))
        c.device = f.device;
    if (given(cmd, "--dtype"))
        c.dtype = f.dtype;
    if (given(cmd, "--bf16"))
        c.bf16Autocast = true;
    if (given(cmd, "--threads"))
        c.threads = f.threads;
    if (given(cmd, "--save-every"))
        c.saveSteps = f.saveEvery;
    if (given(cmd, "--save-limit"))
        c.saveTotalLimit = f.saveLimit;
    if (given(cmd, "--save-initial"))
        c.saveInitialAdapter = true;
    if (given(cmd, "--resume"))
        c.resumeFrom = f.resume;
    // Stored in checkpoints and run files: absolute paths keep them valid from any working folder.
    for (auto* path : {&c.modelDir, &c.tokenizerFile, &c.dataFile, &c.outputDir, &c.resumeFrom})
        if (!path->empty())
            *path = std::filesystem::absolute(*path).lexically_normal();
    return c;
}

std::string clock(double seconds)
{
    const auto s = static_cast<long long>(seconds + 0.5);
    char out[32];
    if (s >= 3600)
        std::snprintf(out, sizeof out, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(out, sizeof out, "%lld:%02lld", s / 60, s % 60);
    return out;
}

std::string progressLine(const TrainingProgress& p)
{
    char line[320];
    std::snprintf(line, sizeof line, "step %lld/%lld  epoch %.2f  loss %.4f", static_cast<long long>(p.step),
                  static_cast<long long>(p.totalSteps), p.epoch, p.trainLoss);
    std::string s = line;
    if (p.valLoss) {
        std::snprintf(line, sizeof line, "  val %.4f", *p.valLoss);
        s += line;
    }
    std::snprintf(line, sizeof line, "  lr %.3e  grad %.4f  %.0f tok/s  elapsed %s  eta %s", p.learningRate, p.gradNorm,
                  p.tokensPerSecond, clock(p.elapsedSeconds).c_str(), clock(p.etaSeconds).c_str());
    return s + line;
}

nlohmann::json progressJson(const TrainingProgress& p)
{
    nlohmann::json j;
    j["step"] = p.step;
    j["total_steps"] = p.totalSteps;
    j["epoch"] = p.epoch;
    j["tokens"] = p.tokens;
    j["train_loss"] = p.trainLoss;
    j["val_loss"] = p.valLoss ? nlohmann::json(*p.valLoss) : nlohmann::json(nullptr);
    j["learning_rate"] = p.learningRate;
    j["grad_norm"] = p.gradNorm;
    j["tokens_per_second"] = p.tokensPerSecond;
    j["elapsed_seconds"] = p.elapsedSeconds;
    return j;
}

// A data-parallel rank other than 0: it trains its shard of every batch and writes nothing; only its errors
// reach stderr. Ctrl-C (torchrun passes it on) stops every rank at the same step.
int trainAsOtherRank(const TrainingConfig& config, const std::shared_ptr<ProcessGroup>& group)
{
    TrainingJob job(config);
    job.setProcessGroup(group);
    job.onProgress([&](const TrainingProgress&) {
        if (interruptRequested())
            job.stop();
    });
    catchInterrupt();
    job.start();
    const auto result = job.wait();
    releaseInterrupt();
    if (result.status == TrainingStatus::Failed) {
        std::cerr << "lora-cli: rank " << group->rank() << ": training failed: " << result.error << "\n";
        return 1;
    }
    return result.status == TrainingStatus::Stopped ? 2 : 0;
}

int train(const CLI::App& cmd, const TrainFlags& f)
{
    TrainingConfig config = resolveConfig(cmd, f);
    if (f.printConfig) {
        std::cout << trainingConfigToJson(config);
        return 0;
    }
    if (config.outputDir.empty())
        throw Error("no output folder: pass --out DIR (or output_dir in the run file)");
    const DistributedEnv env = distributedEnvFromProcess();
    std::shared_ptr<ProcessGroup> group;
    if (env.isParallel()) {
        if (config.device == "cuda")
            config.device = "cuda:" + std::to_string(env.localRank);  // one GPU per rank on its machine
        group = ProcessGroup::connect(env, config.device);
        if (!group->writesFiles())
            return trainAsOtherRank(config, group);
    }
    const std::string metricsFile = f.metrics.empty() ? (config.outputDir / "metrics.jsonl").string() : f.metrics;
    RecordOptions record;
    record.db = f.db;
    record.enabled = !f.noDb;
    record.reportCommits = f.reportCommits;
    record.commitMs = f.commitMs;
    record.name = f.name;
    record.tags = f.tags;
    record.group = group;
    return trainAndRecord(config, metricsFile, record);
}

}  // namespace

int trainAndRecord(const TrainingConfig& config, const std::string& metricsFile, const RecordOptions& record)
{
    // Metrics of every step, one JSON object a line, appended so a resumed run continues the same file.
    std::filesystem::create_directories(config.outputDir);
    std::ofstream metrics(metricsFile, std::ios::app);
    if (!metrics)
        throw Error(metricsFile + ": cannot be opened for writing");

    std::mutex out;
    // The run's row in the database: created here, or the existing one when resuming it.
    std::unique_ptr<RunRecorder> recorder;
    if (record.enabled) {
        const auto database = openRunStore(record.db).path();  // reports stale runs; a locked/corrupt db says what to do
        RecorderOptions options;
        options.database = database;
        options.name = record.name;
        options.tags = record.tags;
        options.resumeRun = record.runId;
        options.commitDelay = std::chrono::milliseconds(record.commitMs);
        recorder = std::make_unique<RunRecorder>(config, options);
        recorder->onWarning([&](const std::string& message) {
            std::lock_guard lock(out);
            std::cerr << "lora-cli: warning: " << message << " (metrics stay in " << metricsFile << ")\n";
        });
        if (record.reportCommits)
            recorder->onCommit([&, runId = recorder->runId()](int64_t step, size_t rows) {
                std::lock_guard lock(out);
                std::cerr << "db: run " << runId << " metrics committed through step " << step << " (" << rows
                          << " rows)" << std::endl;
            });
        std::cerr << "run " << recorder->runId() << " recorded in " << database.string() << std::endl;
    }

    TrainingJob job(config);
    job.setProcessGroup(record.group);
    job.onLog([&](const std::string& message) {
        std::lock_guard lock(out);
        std::cerr << message << "\n";
    });
    job.onProgress([&](const TrainingProgress& p) {
        {
            std::lock_guard lock(out);
            std::cerr << progressLine(p) << std::endl;
            metrics << progressJson(p).dump() << "\n" << std::flush;
        }
        if (recorder)
            recorder->progress(p);
        if (interruptRequested())
            job.stop();
    });
    job.onCheckpoint([&](const std::filesystem::path& dir, int64_t step) {
        if (recorder)
            recorder->checkpoint(dir, step);
    });
    catchInterrupt();
    job.start();
    const auto result = job.wait();
    releaseInterrupt();
    const std::optional<int64_t> adapterId = recorder ? recorder->finish(result) : std::nullopt;

    nlohmann::json summary;
    summary["status"] = statusName(result.status);
    if (!result.error.empty())
        summary["error"] = result.error;
    if (result.finalMetrics)
        summary["final"] = progressJson(*result.finalMetrics);
    summary["output_dir"] = result.adapterDir.string();
    summary["last_checkpoint"] = result.lastCheckpoint.string();
    if (record.group)
        summary["world_size"] = record.group->worldSize();
    if (recorder) {
        summary["run_id"] = recorder->runId();
        summary["database"] = recorder->database().string();
        summary["adapter_id"] = adapterId ? nlohmann::json(*adapterId) : nlohmann::json(nullptr);
    }
    std::cout << summary.dump() << "\n";
    if (result.status == TrainingStatus::Failed) {
        std::cerr << "lora-cli: training failed: " << result.error << "\n";
        // A bad-row error names the data file and line; say how to train on the remaining rows.
        const std::string dataPrefix = config.dataFile.string() + ":";
        if (config.dataset.badRows == BadRowPolicy::Fail && result.error.rfind(dataPrefix, 0) == 0)
            std::cerr << "lora-cli: fix that line, or pass --skip-bad-rows to leave bad rows out (they are listed)\n";
        return 1;
    }
    if (result.status == TrainingStatus::Stopped) {
        std::cerr << "stopped; resume with --resume " << result.lastCheckpoint.string();
        if (recorder)
            std::cerr << " (or: lora-cli runs resume " << recorder->runId() << ")";
        std::cerr << "\n";
        return 2;
    }
    return 0;
}

void addTrainCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("train", "Train a LoRA adapter (or, with --full, the whole model) on a dataset; "
                                            "writes a PEFT adapter folder and checkpoints into --out");
    auto f = std::make_shared<TrainFlags>();
    cmd->add_option("--config", f->config, "Run file (JSON, the keys of TrainingConfig); flags override it");
    cmd->add_option("--resume", f->resume, "Continue from a checkpoint folder (OUT/checkpoints/step-N); without "
                                           "--config the checkpoint's own settings are used");
    cmd->add_option("--model", f->model, "Hugging Face model folder");
    cmd->add_option("--tokenizer", f->tokenizer, "tokenizer.json (default: the model folder's)");
    cmd->add_option("--data", f->data, "Training data: .txt/.md, .jsonl, .csv/.tsv");
    cmd->add_option("--format", f->format, "Data format: auto, text, jsonl, csv, tsv")
        ->check(CLI::IsMember({"auto", "text", "jsonl", "csv", "tsv"}));
    cmd->add_flag("--skip-bad-rows", f->skipBadRows,
                  "Leave out rows that cannot be used (invalid JSON, missing field, empty text, unknown label, not "
                  "UTF-8), listing them, instead of stopping at the first");
    cmd->add_option("--block-size", f->blockSize, "Text: tokens per packed block");
    cmd->add_option("--max-length", f->maxLength, "JSONL/CSV: longer examples are truncated");
    cmd->add_option("--out", f->out, "Output folder: the adapter (or model), checkpoints/, metrics.jsonl");
    addLoraOptions(*cmd, f->lora);
    cmd->add_flag("--full", f->full, "Full fine-tuning of every base parameter (the baseline LoRA is compared with)");
    cmd->add_option("--steps", f->steps, "Optimizer steps (default: from --epochs)");
    cmd->add_option("--epochs", f->epochs, "Epochs over the training split (may be fractional)");
    cmd->add_option("--batch-size", f->batchSize, "Examples per micro-batch");
    cmd->add_option("--grad-accum", f->gradAccum, "Micro-batches per optimizer step");
    cmd->add_flag("--no-shuffle", f->noShuffle, "Keep the data order (no per-epoch shuffling)");
    cmd->add_option("--lr", f->lr, "Peak learning rate");
    cmd->add_option("--weight-decay", f->weightDecay, "AdamW weight decay");
    cmd->add_option("--warmup", f->warmup, "Warmup steps");
    cmd->add_option("--schedule", f->schedule, "Learning-rate schedule: constant, linear, cosine");
    cmd->add_option("--max-grad-norm", f->maxGradNorm, "Clip the global gradient norm (0: off)");
    cmd->add_option("--eval-every", f->evalEvery, "Evaluate on the validation split every N steps");
    cmd->add_option("--eval-batches", f->evalBatches, "Batches per evaluation (0: all)");
    cmd->add_option("--val-fraction", f->valFraction, "Fraction of the data held out for validation");
    cmd->add_option("--seed", f->seed, "Seed of initialisation, split, shuffling and dropout");
    cmd->add_option("--device", f->device, "cpu, cuda, cuda:N");
    cmd->add_option("--dtype", f->dtype, "Model weights: float32, bfloat16, float16");
    cmd->add_flag("--bf16", f->bf16, "bfloat16 autocast (CUDA)");
    cmd->add_option("--threads", f->threads, "Intra-op threads for training (0: default)");
    cmd->add_option("--save-every", f->saveEvery, "Write a checkpoint every N steps");
    cmd->add_option("--save-limit", f->saveLimit, "Keep only the newest N checkpoints");
    cmd->add_flag("--save-initial", f->saveInitial, "Also write the untrained adapter to OUT/initial_adapter");
    cmd->add_option("--metrics", f->metrics, "Per-step metrics file (default: OUT/metrics.jsonl)");
    cmd->add_flag("--print-config", f->printConfig, "Print the resolved run file and exit");
    addDbOption(*cmd, f->db);
    cmd->add_flag("--no-db", f->noDb, "Do not record the run in the run database");
    cmd->add_option("--name", f->name, "The run's name in the database (default: the --out folder's name)");
    cmd->add_option("--tag", f->tags, "A tag for the run (repeatable)");
    cmd->add_option("--commit-ms", f->commitMs,
                    "Commit metrics to the database at the first step boundary after this many ms (default 1000; "
                    "checkpoints and the end always commit)");
    cmd->add_flag("--report-commits", f->reportCommits,
                  "Print a line on stderr after each commit of metrics to the database (for tools following a run)");
    cmd->callback([&selected, cmd, f] { selected = [=] { return train(*cmd, *f); }; });
}

}  // namespace lora::cli
