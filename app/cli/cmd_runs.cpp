// lora-cli runs: the run history in the run database (list, show, resume an interrupted or stopped run).
#include "commands.h"
#include "run_db.h"

#include "lora/error.h"
#include "lora/run_recorder.h"
#include "lora/training.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

namespace lora::cli {
namespace {

struct RunsFlags {
    std::string db;
    bool json = false;
    bool withMetrics = false;
    int64_t id = 0;
    int commitMs = 1000;
    bool reportCommits = false;
};

nlohmann::json optionalJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string localTime(double unixSeconds)
{
    const auto t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%d %H:%M", &tm);
    return out;
}

std::string number(const std::optional<double>& v)
{
    if (!v)
        return "-";
    char out[32];
    std::snprintf(out, sizeof out, "%.4f", *v);
    return out;
}

nlohmann::json runJson(const RunRecord& r)
{
    nlohmann::json j;
    j["id"] = r.id;
    j["name"] = r.name;
    j["status"] = runStatusName(r.status);
    j["model_path"] = r.modelPath;
    j["model_hash"] = r.modelHash;
    j["dataset_path"] = r.datasetPath;
    j["dataset_hash"] = r.datasetHash;
    j["device"] = r.device;
    j["output_dir"] = r.outputDir;
    j["total_params"] = r.totalParams;
    j["trainable_params"] = r.trainableParams;
    j["created_at"] = r.createdAt;
    j["started_at"] = optionalJson(r.startedAt);
    j["finished_at"] = optionalJson(r.finishedAt);
    j["train_seconds"] = r.trainSeconds;
    j["steps_done"] = r.stepsDone;
    j["total_steps"] = r.totalSteps;
    j["tokens"] = r.tokens;
    j["final_train_loss"] = optionalJson(r.finalTrainLoss);
    j["final_val_loss"] = optionalJson(r.finalValLoss);
    j["best_val_loss"] = optionalJson(r.bestValLoss);
    j["best_val_step"] = r.bestValStep ? nlohmann::json(*r.bestValStep) : nlohmann::json(nullptr);
    j["error"] = r.error;
    j["notes"] = r.notes;
    j["tags"] = r.tags;
    j["pid"] = r.pid;
    j["host"] = r.host;
    return j;
}

void printTable(const std::vector<std::vector<std::string>>& rows)
{
    std::vector<size_t> width;
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); ++i) {
            width.resize(std::max(width.size(), row.size()));
            width[i] = std::max(width[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i)
            line += row[i] + (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 2, ' ') : "");
        std::cout << line << "\n";
    }
}

int list(const RunsFlags& f)
{
    auto store = openRunStore(f.db);
    const auto runs = store.runs();
    if (f.json) {
        auto all = nlohmann::json::array();
        for (const auto& r : runs)
            all.push_back(runJson(r));
        std::cout << all.dump(2) << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"ID", "NAME", "STATUS", "STEPS", "LOSS", "BEST VAL", "MODEL", "CREATED"}};
    for (const auto& r : runs)
        rows.push_back({std::to_string(r.id), r.name, runStatusName(r.status),
                        std::to_string(r.stepsDone) + (r.totalSteps > 0 ? "/" + std::to_string(r.totalSteps) : ""),
                        number(r.finalTrainLoss), number(r.bestValLoss),
                        std::filesystem::path(r.modelPath).filename().string(), localTime(r.createdAt)});
    printTable(rows);
    return 0;
}

RunRecord requireRun(const RunStore& store, int64_t id)
{
    auto r = store.run(id);
    if (!r)
        throw Error(store.path().string() + ": there is no run " + std::to_string(id) + " (lora-cli runs lists them)");
    return *r;
}

int show(const RunsFlags& f)
{
    auto store = openRunStore(f.db);
    const auto r = requireRun(store, f.id);
    const auto checkpoints = store.checkpoints(r.id);
    if (f.json) {
        auto j = runJson(r);
        j["config"] = nlohmann::json::parse(r.configJson, nullptr, false);
        j["checkpoints"] = nlohmann::json::array();
        for (const auto& c : checkpoints)
            j["checkpoints"].push_back(
                {{"step", c.step}, {"path", c.path}, {"size_bytes", c.sizeBytes}, {"sha256", c.sha256}});
        j["metric_rows"] = store.metricCount(r.id);
        if (f.withMetrics) {
            j["metrics"] = nlohmann::json::array();
            for (const auto& m : store.metrics(r.id))
                j["metrics"].push_back({{"step", m.step}, {"epoch", m.epoch}, {"tokens", m.tokens},
                                        {"wall_seconds", m.wallSeconds}, {"split", m.split}, {"name", m.name},
                                        {"value", m.value}});
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    const auto j = runJson(r);
    for (const auto& [key, value] : j.items())
        std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    std::cout << "metric rows: " << store.metricCount(r.id) << "\n";
    for (const auto& c : checkpoints)
        std::cout << "checkpoint: step " << c.step << "  " << c.path << "  " << c.sizeBytes << " bytes  sha256 "
                  << c.sha256 << "\n";
    std::cout << "config: " << r.configJson << "\n";
    return 0;
}

int resume(const RunsFlags& f)
{
    RecordOptions record;
    record.db = f.db;
    record.runId = f.id;
    record.commitMs = f.commitMs;
    record.reportCommits = f.reportCommits;
    TrainingConfig config;
    {
        auto store = openRunStore(f.db);
        const auto r = requireRun(store, f.id);
        if (r.status == RunStatus::Running || r.status == RunStatus::Completed || r.status == RunStatus::Queued)
            throw Error("run " + std::to_string(r.id) + " is " + runStatusName(r.status) +
                        (r.status == RunStatus::Running ? " (process " + std::to_string(r.pid) + " on " + r.host + ")"
                                                        : std::string()) +
                        "; only interrupted, stopped or failed runs are resumed");
        record.name = r.name;
        const auto point = prepareResume(store, r);
        config = point.config;
        if (point.checkpoint)
            std::cerr << "resuming run " << r.id << " from " << point.checkpoint->path << " (step "
                      << point.checkpoint->step << ")\n";
        else
            std::cerr << "run " << r.id << " has no usable checkpoint: starting it again from step 0\n";
    }
    return trainAndRecord(config, (config.outputDir / "metrics.jsonl").string(), record);
}

}  // namespace

void addRunsCommand(CLI::App& app, Action& selected)
{
    auto* runs = app.add_subcommand("runs", "The run history in the run database: list (default), show, resume");
    auto f = std::make_shared<RunsFlags>();
    addDbOption(*runs, f->db);
    runs->add_flag("--json", f->json, "JSON instead of a table");
    auto* ls = runs->add_subcommand("list", "Every run, newest first");
    addDbOption(*ls, f->db);
    ls->add_flag("--json", f->json, "JSON instead of a table");
    auto* sh = runs->add_subcommand("show", "One run: settings, results, checkpoints, config");
    sh->add_option("id", f->id, "Run id")->required();
    addDbOption(*sh, f->db);
    sh->add_flag("--json", f->json, "JSON");
    sh->add_flag("--metrics", f->withMetrics, "With --json: every metric row");
    auto* rs = runs->add_subcommand("resume", "Continue an interrupted (or stopped) run from its last checkpoint, "
                                              "in the same run record");
    rs->add_option("id", f->id, "Run id")->required();
    addDbOption(*rs, f->db);
    rs->add_option("--commit-ms", f->commitMs, "As for train");
    rs->add_flag("--report-commits", f->reportCommits, "As for train");
    ls->callback([&selected, f] { selected = [=] { return list(*f); }; });
    sh->callback([&selected, f] { selected = [=] { return show(*f); }; });
    rs->callback([&selected, f] { selected = [=] { return resume(*f); }; });
    runs->callback([&selected, runs, f] {
        if (runs->get_subcommands().empty())
            selected = [=] { return list(*f); };
    });
}

}  // namespace lora::cli
