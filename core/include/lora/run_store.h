#pragma once
// The run history: one SQLite database (through SQLiteCpp) shared by lora-studio and lora-cli, holding every run,
// its metrics, its checkpoints, and an adapter library (adapters stored in the database itself, as safetensors
// bytes plus adapter_config.json, exportable to a PEFT folder). Torch-free.
//
// - Schema versioned with PRAGMA user_version; older databases are migrated in place at open, in one transaction.
// - WAL mode, a busy timeout, foreign keys on; every query uses bound parameters.
// - Metrics are written by a MetricWriter on its own connection (the training thread's), in batched
//   transactions committed only at step boundaries, so a step's metrics are all there or not at all.
// - At open, runs left "running" by a process that is gone (its pid is not alive on this host, or belongs to a
//   newer process) are marked "interrupted" and can be resumed from their last checkpoint.
// - A locked or corrupt database throws StoreError naming the file and what to do; the file is left untouched,
//   and StoreError::freshPath() names a new database beside it to carry on with.
#include "lora/error.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lora {

class StoreError : public Error {
public:
    enum class Kind { Locked, Corrupt, TooNew, Io };
    StoreError(Kind kind, const std::filesystem::path& file, const std::string& message,
               std::filesystem::path freshPath);
    Kind kind() const { return kind_; }
    const std::filesystem::path& file() const { return file_; }
    // A database path beside the failing one that does not exist yet: open it to go on with a new history.
    const std::filesystem::path& freshPath() const { return fresh_; }

private:
    Kind kind_;
    std::filesystem::path file_;
    std::filesystem::path fresh_;
};

enum class RunStatus { Queued, Running, Completed, Stopped, Failed, Interrupted };
std::string runStatusName(RunStatus status);  // "queued", "running", ...
RunStatus parseRunStatus(const std::string& name);  // throws lora::Error listing the names

struct RunRecord {
    int64_t id = 0;
    std::string name;
    RunStatus status = RunStatus::Queued;
    std::string modelPath, modelHash;      // hash: sha256 over the folder's files (see folderDigest)
    std::string datasetPath, datasetHash;  // hash: sha256 of the data file
    std::string configJson;                // trainingConfigToJson of the run
    std::string device;
    std::string outputDir;
    int64_t totalParams = 0;
    int64_t trainableParams = 0;
    double createdAt = 0;                 // Unix seconds
    std::optional<double> startedAt, finishedAt;
    double trainSeconds = 0;              // training time, pauses excluded (last committed step)
    int64_t stepsDone = 0;                // last committed step
    int64_t totalSteps = 0;
    int64_t tokens = 0;
    std::optional<double> finalTrainLoss, finalValLoss, bestValLoss;
    std::optional<int64_t> bestValStep;
    std::string error;
    std::string notes;
    std::vector<std::string> tags;
    int64_t pid = 0;                      // the process that owns (or last owned) the run
    std::string host;
    std::optional<int64_t> sweepId;       // the sweep the run belongs to, if any
    std::optional<int64_t> sweepCell;     // its cell: the index into the sweep's grid expansion
};

// What a run starts with. The hashes are computed by createRun from the paths.
struct NewRun {
    std::string name;
    std::string modelPath;
    std::string datasetPath;
    std::string configJson;
    std::string device;
    std::string outputDir;
    int64_t totalSteps = 0;
    std::vector<std::string> tags;
    std::optional<int64_t> sweepId;      // set by createSweep
    std::optional<int64_t> sweepCell;
    int64_t totalParams = 0;             // known before training (a sweep plans them); the run records them again
    int64_t trainableParams = 0;
};

// A sweep: a grid of runs (ranks x target presets x layer ranges x seeds) over one base configuration, stored as
// one group. Its status uses the run statuses: queued, running, completed (every cell), stopped, failed (some cell
// failed), interrupted (its process died).
struct SweepRecord {
    int64_t id = 0;
    std::string name;
    RunStatus status = RunStatus::Queued;
    std::string gridJson;        // sweepGridToJson (lora/sweep.h)
    std::string baseConfigJson;  // trainingConfigToJson of the base configuration
    double createdAt = 0;
    std::optional<double> finishedAt;
    std::string error;
    int64_t pid = 0;
    std::string host;
};

struct NewSweep {
    std::string name;
    std::string gridJson;
    std::string baseConfigJson;
};

struct RunOutcome {
    RunStatus status = RunStatus::Completed;
    std::string error;
    std::optional<double> trainSeconds;
};

struct MetricRow {
    int64_t step = 0;
    double epoch = 0;
    int64_t tokens = 0;
    double wallSeconds = 0;  // training time at this step
    std::string split;       // "train", "val"
    std::string name;        // "loss", "learning_rate", "grad_norm", "tokens_per_second"
    double value = 0;
};

struct CheckpointRecord {
    int64_t id = 0;
    int64_t runId = 0;
    int64_t step = 0;
    std::string path;
    int64_t sizeBytes = 0;
    std::string sha256;  // folderDigest of the checkpoint folder
    double createdAt = 0;
};

struct StoredAdapter {
    int64_t id = 0;
    std::optional<int64_t> runId;
    std::string name;
    std::string configJson;  // adapter_config.json
    int64_t sizeBytes = 0;   // of the safetensors bytes
    std::string sha256;      // of the safetensors bytes
    double createdAt = 0;
};

struct StoreOptions {
    std::chrono::milliseconds busyTimeout{5000};
};

// sha256 (lowercase hex) of a file's bytes. Throws lora::Error naming the file.
std::string fileSha256(const std::filesystem::path& file);
// sha256 over a folder's regular files, recursively, in path order: for each, "<sha256>  <relative path>\n"
// (sha256sum's format) is hashed. A plain file gives its fileSha256. `bytes` receives the total size.
std::string folderDigest(const std::filesystem::path& dirOrFile, int64_t* bytes = nullptr);

class RunStore {
public:
    static constexpr int kSchemaVersion = 4;

    // LORA_STUDIO_DB when set; else QStandardPaths::AppDataLocation of lora-studio (organisation and application
    // "LoRA Studio"): $XDG_DATA_HOME (or ~/.local/share)/LoRA Studio/LoRA Studio/runs.sqlite.
    static std::filesystem::path defaultPath();
    // runs-1.sqlite, runs-2.sqlite, ... beside `file`: the first that does not exist.
    static std::filesystem::path freshPathBeside(const std::filesystem::path& file);

    // Opens (creating it and its folder if needed) and migrates the database, then marks the runs of dead
    // processes interrupted. Throws StoreError (locked, corrupt, newer schema) with the file untouched.
    explicit RunStore(const std::filesystem::path& file, StoreOptions options = {});
    ~RunStore();
    RunStore(RunStore&&) noexcept;
    RunStore& operator=(RunStore&&) noexcept;

    const std::filesystem::path& path() const;
    int schemaVersionAtOpen() const;                // before migration (0: a new file)
    const std::vector<int64_t>& interruptedAtOpen() const;  // runs this open marked interrupted
    const std::vector<int64_t>& interruptedSweepsAtOpen() const;  // sweeps this open marked interrupted

    // Runs.
    int64_t createRun(const NewRun& run);  // status queued
    // Running, owned by this process (pid, host, start time recorded); clears error and finished time.
    void markRunning(int64_t runId);
    void setParameters(int64_t runId, int64_t totalParams, int64_t trainableParams);
    // The optimizer steps the run will take, once the trainer knows them (a run sized by epochs is created with 0).
    void setTotalSteps(int64_t runId, int64_t totalSteps);
    // Final status; final and best metrics are taken from the metrics table.
    void finishRun(int64_t runId, const RunOutcome& outcome);
    void rename(int64_t runId, const std::string& name);
    void setNotes(int64_t runId, const std::string& notes);
    void setTags(int64_t runId, const std::vector<std::string>& tags);
    void deleteRun(int64_t runId);  // with its metrics and checkpoint rows; its adapters stay, unlinked
    std::optional<RunRecord> run(int64_t runId) const;
    std::vector<RunRecord> runs() const;  // newest first
    // Removes metric rows past `step` (a resume from a checkpoint at `step` writes them again).
    void truncateMetrics(int64_t runId, int64_t step);

    // Metrics (written through MetricWriter). Empty name or split: all.
    std::vector<MetricRow> metrics(int64_t runId, const std::string& split = {}, const std::string& name = {}) const;
    int64_t metricCount(int64_t runId) const;

    // Checkpoints: size and sha256 are computed from the folder.
    int64_t addCheckpoint(int64_t runId, int64_t step, const std::filesystem::path& dir);
    std::vector<CheckpointRecord> checkpoints(int64_t runId) const;  // by step
    // The newest recorded checkpoint whose folder still exists with the recorded sha256.
    std::optional<CheckpointRecord> lastGoodCheckpoint(int64_t runId) const;

    // Sweeps (their runs are created with NewRun::sweepId/sweepCell).
    // The sweep and one queued run per cell (`runs`, whose sweepCell is set), in one transaction.
    int64_t createSweep(const NewSweep& sweep, const std::vector<NewRun>& runs);  // status queued
    void markSweepRunning(int64_t sweepId);       // owned by this process; clears error and finished time
    void finishSweep(int64_t sweepId, RunStatus status, const std::string& error = {});
    std::optional<SweepRecord> sweep(int64_t sweepId) const;
    std::vector<SweepRecord> sweeps() const;            // newest first
    std::vector<RunRecord> sweepRuns(int64_t sweepId) const;  // by cell

    // The adapter library.
    int64_t storeAdapter(const std::string& name, std::optional<int64_t> runId, const std::string& configJson,
                         const std::vector<std::byte>& safetensors);
    // A PEFT folder (adapter_config.json + adapter_model.safetensors), validated before storing.
    int64_t importAdapter(const std::filesystem::path& peftDir, const std::string& name = {},
                          std::optional<int64_t> runId = std::nullopt);
    // Writes a PEFT folder (created if needed); each file is written atomically.
    void exportAdapter(int64_t adapterId, const std::filesystem::path& dir) const;
    std::vector<StoredAdapter> adapters() const;  // newest first
    std::optional<StoredAdapter> adapter(int64_t adapterId) const;
    std::vector<std::byte> adapterTensors(int64_t adapterId) const;
    void deleteAdapter(int64_t adapterId);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

struct MetricWriterOptions {
    size_t maxRows = 512;                            // commit once this many rows wait...
    std::chrono::milliseconds maxDelay{1000};        // ...or the oldest waiting row is this old
    std::chrono::milliseconds busyTimeout{5000};
};

// Buffers a run's metric rows and writes them in one transaction at a step boundary once enough rows (or time)
// have gathered. Its own connection: use it from one thread (the training thread). A resumed run may write a
// step again: the row is replaced.
class MetricWriter {
public:
    MetricWriter(const std::filesystem::path& db, int64_t runId, MetricWriterOptions options = {});
    ~MetricWriter();  // commits what is left; errors are swallowed (call flush() to see them)
    MetricWriter(const MetricWriter&) = delete;
    MetricWriter& operator=(const MetricWriter&) = delete;

    void add(const MetricRow& row);
    // Step `step` is complete: commits when the thresholds are reached. Returns true when it committed.
    bool endStep(int64_t step);
    void flush();  // commits everything waiting (rows of an unfinished step included)

    int64_t committedRows() const { return committedRows_; }
    int64_t committedThroughStep() const { return committedStep_; }
    // Called after each commit with the last step committed and the rows in that transaction.
    void onCommit(std::function<void(int64_t step, size_t rows)> callback) { onCommit_ = std::move(callback); }

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
    MetricWriterOptions options_;
    std::function<void(int64_t, size_t)> onCommit_;
    int64_t committedRows_ = 0;
    int64_t committedStep_ = 0;
};

}  // namespace lora
