// lora-cli compare-full: the run file trained twice, as LoRA and as full fine-tuning, each in its own lora-cli
// process (so each peak memory is that run's alone, as the kernel counts it), then side by side: trainable
// parameters, peak memory, time per step, validation loss, and forgetting (loss on the base model's own corpus
// before and after). Both runs are recorded in the run database, tagged compare:<name>.
#include "commands.h"
#include "interrupt.h"
#include "run_db.h"

#include "lora/adapter.h"
#include "lora/atomic_file.h"
#include "lora/corpus_loss.h"
#include "lora/error.h"
#include "lora/full_comparison.h"
#include "lora/model.h"
#include "lora/training.h"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lora::cli {
namespace {

struct CompareFlags {
    std::string config, out, corpus, json, db, name;
    int64_t corpusBatches = 16;
    bool noDb = false;
};

// The peak resident memory of a live process (VmHWM), in MiB; 0 once it has exited.
double peakResidentMiB(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;  // kB
    return 0;
}

// Runs argv, waits for it, and returns its exit code with its own peak resident memory. That is read from
// /proc/<pid>/status while it runs: wait4's ru_maxrss would not do, since a posix_spawn child starts on this
// process's memory (vfork) and exec carries that high-water mark into its count, so both runs would report this
// process's peak (it has loaded a model for the corpus loss) whenever theirs is lower. The child is in
// its own process group, so a Ctrl-C (or the GUI's Cancel, a SIGINT to this process) reaches it exactly once, from
// here: it stops after its step and keeps a checkpoint, where a second SIGINT would end it at once.
std::pair<int, double> runMeasured(const std::vector<std::string>& args)
{
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], nullptr, &attributes, argv.data(), environ);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0)
        throw Error(std::string("cannot start ") + args[0] + ": " + std::strerror(rc));
    int status = 0;
    bool forwarded = false;
    double peak = 0;
    for (;;) {
        peak = std::max(peak, peakResidentMiB(pid));
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR)
            throw Error(std::string("waiting for the training process failed: ") + std::strerror(errno));
        if (interruptRequested() && !forwarded) {
            kill(pid, SIGINT);
            forwarded = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {code, peak};
}

std::string selfPath()
{
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        throw Error("cannot find lora-cli's own path to start the training runs: " + ec.message());
    return self.string();
}

ComparisonSide trainSide(const CompareFlags& f, const TrainingConfig& config, const std::string& mode)
{
    ComparisonSide side;
    side.mode = mode;
    side.outputDir = std::filesystem::path(f.out) / mode;
    std::vector<std::string> args = {selfPath(), "train", "--config", f.config, "--out", side.outputDir.string(),
                                     "--name", f.name + (mode == "lora" ? " (LoRA)" : " (full)"), "--tag",
                                     "compare:" + f.name};
    if (mode == "full")
        args.push_back("--full");
    if (f.noDb)
        args.push_back("--no-db");
    else if (!f.db.empty())
        args.insert(args.end(), {"--db", f.db});
    std::cerr << "== " << (mode == "lora" ? "LoRA" : "full fine-tuning") << " run: " << side.outputDir.string()
              << "\n";
    const auto [code, peak] = runMeasured(args);
    side.exitCode = code;
    side.peakMemoryMiB = peak;
    if (code != 0) {
        side.error = "the " + mode + " run ended with exit code " + std::to_string(code) + " (its messages are above)";
        return side;
    }
    readRunMetrics(side.outputDir / "metrics.jsonl", side);

    // Parameter counts as PEFT prints them: what trains, and everything the trained model holds.
    if (mode == "lora") {
        auto model = Model::load(config.modelDir);
        const auto adapter = Adapter::load(*model, side.outputDir);
        side.trainableParameters = adapter->parameterCount();
        side.totalParameters = model->description().totalParameters + side.trainableParameters;
    } else {
        const auto model = Model::load(side.outputDir);
        side.trainableParameters = side.totalParameters = model->description().totalParameters;
    }
    return side;
}

CorpusLossOptions corpusOptions(const CompareFlags& f, const TrainingConfig& config)
{
    CorpusLossOptions o;
    o.device = config.device;
    o.dtype = config.dtype;
    o.batchSize = config.batchSize;
    o.maxBatches = f.corpusBatches;
    o.threads = config.threads;
    o.dataset.blockSize = config.dataset.blockSize;
    o.dataset.maxLength = config.dataset.maxLength;
    o.dataset.badRows = BadRowPolicy::Skip;  // a corpus is read, not trained on: a bad row is just left out
    return o;
}

std::string number(const std::optional<double>& v, const char* format = "%.4f")
{
    if (!v)
        return "-";
    char s[32];
    std::snprintf(s, sizeof s, format, *v);
    return s;
}

void printTable(const FullComparison& c)
{
    const auto row = [](const std::string& what, const std::string& lora, const std::string& full) {
        std::printf("%-30s %18s %18s\n", what.c_str(), lora.c_str(), full.c_str());
    };
    const auto count = [](int64_t n) { return std::to_string(n); };
    row("", "LoRA", "full fine-tuning");
    row("trainable parameters", count(c.lora.trainableParameters), count(c.full.trainableParameters));
    row("total parameters", count(c.lora.totalParameters), count(c.full.totalParameters));
    row("peak memory (MiB)", number(c.lora.peakMemoryMiB, "%.1f"), number(c.full.peakMemoryMiB, "%.1f"));
    row("steps", count(c.lora.steps), count(c.full.steps));
    row("seconds per step", number(c.lora.secondsPerStep), number(c.full.secondsPerStep));
    row("final training loss", number(c.lora.finalTrainLoss), number(c.full.finalTrainLoss));
    row("best validation loss", number(c.lora.bestValLoss), number(c.full.bestValLoss));
    row("final validation loss", number(c.lora.finalValLoss), number(c.full.finalValLoss));
    if (!c.forgettingCorpus.empty()) {
        row("corpus loss before", number(c.corpusLossBefore), number(c.corpusLossBefore));
        row("corpus loss after", number(c.lora.corpusLossAfter), number(c.full.corpusLossAfter));
        row("forgetting (after - before)", number(forgetting(c, c.lora), "%+.4f"),
            number(forgetting(c, c.full), "%+.4f"));
    }
}

int compareFull(CompareFlags f)
{
    const auto config = readTrainingConfig(f.config);
    if (f.name.empty())
        f.name = std::filesystem::path(f.out).filename().string();
    FullComparison c;
    c.config = std::filesystem::absolute(f.config);
    c.forgettingCorpus = f.corpus;
    if (!f.corpus.empty()) {
        std::cerr << "== forgetting corpus " << f.corpus << ": the base model's loss\n";
        c.corpusLossBefore = corpusLoss(config.modelDir, {}, f.corpus, corpusOptions(f, config)).meanLoss;
    }
    catchInterrupt();
    c.lora = trainSide(f, config, "lora");
    if (!interruptRequested())
        c.full = trainSide(f, config, "full");
    else
        c.full = {.mode = "full", .exitCode = 130, .error = "not run: interrupted"};
    releaseInterrupt();
    if (!f.corpus.empty()) {
        std::cerr << "== forgetting corpus: the fine-tuned models' loss\n";
        const auto options = corpusOptions(f, config);
        if (c.lora.exitCode == 0)
            c.lora.corpusLossAfter = corpusLoss(config.modelDir, c.lora.outputDir, f.corpus, options).meanLoss;
        if (c.full.exitCode == 0)
            c.full.corpusLossAfter = corpusLoss(c.full.outputDir, {}, f.corpus, options).meanLoss;
    }
    printTable(c);
    if (!f.json.empty())
        writeFileAtomically(f.json, fullComparisonToJson(c));
    for (const auto* side : {&c.lora, &c.full})
        if (side->exitCode != 0)
            std::cerr << "error: " << side->error << "\n";
    return c.lora.exitCode == 0 && c.full.exitCode == 0 ? 0 : 1;
}

}  // namespace

void addCompareFullCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand(
        "compare-full", "Train a run file twice, as LoRA and as full fine-tuning, and compare them side by side: "
                        "trainable parameters, peak memory, time per step, validation loss and forgetting");
    auto f = std::make_shared<CompareFlags>();
    cmd->add_option("--config", f->config, "Run file (JSON, as `lora-cli train --print-config` writes)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--out", f->out, "Folder for both runs: OUT/lora and OUT/full")->required();
    cmd->add_option("--forgetting-corpus", f->corpus,
                    "Text the base model already knows (for the bundled model: datasets/stories/stories.txt); its "
                    "loss before and after training measures forgetting")
        ->check(CLI::ExistingFile);
    cmd->add_option("--forgetting-batches", f->corpusBatches, "Batches of the corpus to measure (0: all)")
        ->capture_default_str();
    cmd->add_option("--json", f->json, "Also write the comparison as JSON to this file");
    cmd->add_option("--name", f->name, "Name of the pair in the run database (default: the --out folder's name)");
    addDbOption(*cmd, f->db);
    cmd->add_flag("--no-db", f->noDb, "Do not record the runs in the run database");
    cmd->callback([&selected, f] { selected = [f] { return compareFull(*f); }; });
}

}  // namespace lora::cli
