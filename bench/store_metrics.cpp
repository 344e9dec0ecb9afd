// Run store benchmark (issue 6). Not a test: prints figures, asserts nothing.
//  1. Metrics writing cost against step time at 100 steps/s: 5 metric rows a step (what lora-cli train writes),
//     steps paced at 10 ms; the time spent in MetricWriter::add + endStep is measured per step.
//  2. A database of RUNS runs x ROWS metric rows each: opening it (migration check + stale-run scan), the runs
//     page's query (RunStore::runs), one run's loss curve, and the curves of 5 selected runs.
// Usage: bench_store_metrics [--steps N] [--runs N] [--rows N] [--db FILE (kept and reused)]
#include "lora/run_store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>
#include <unistd.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void addStep(lora::MetricWriter& w, int64_t step)
{
    const double e = step / 100.0;
    w.add({step, e, step * 512, step * 0.01, "train", "loss", 2.0 / (1.0 + e)});
    w.add({step, e, step * 512, step * 0.01, "train", "learning_rate", 2e-4});
    w.add({step, e, step * 512, step * 0.01, "train", "grad_norm", 0.5 + 0.001 * step});
    w.add({step, e, step * 512, step * 0.01, "train", "tokens_per_second", 51200});
    if (step % 50 == 0)
        w.add({step, e, step * 512, step * 0.01, "val", "loss", 2.1 / (1.0 + e)});
}

void writingCost(const fs::path& dir, int steps, std::chrono::milliseconds commitEvery, const char* label)
{
    const auto file = dir / ("writing-" + std::to_string(commitEvery.count()) + ".sqlite");
    fs::remove(file);
    lora::RunStore store(file);
    const int64_t run = store.createRun({.name = "bench"});
    store.markRunning(run);
    lora::MetricWriterOptions options;
    options.maxDelay = commitEvery;
    lora::MetricWriter writer(file, run, options);
    int commits = 0;
    writer.onCommit([&](int64_t, size_t) { ++commits; });
    std::vector<double> cost;
    const auto period = std::chrono::milliseconds(10);  // 100 steps/s
    auto next = Clock::now();
    for (int step = 1; step <= steps; ++step) {
        next += period;
        std::this_thread::sleep_until(next);  // the "training step"
        const auto t0 = Clock::now();
        addStep(writer, step);
        writer.endStep(step);
        cost.push_back(ms(Clock::now() - t0));
    }
    double total = 0;
    for (double c : cost)
        total += c;
    std::sort(cost.begin(), cost.end());
    const double mean = total / steps;
    std::printf("%-34s %5d steps, %4d commits: mean %.4f ms/step = %.3f%% of a 10 ms step; median %.4f ms, "
                "max %.3f ms\n",
                label, steps, commits, mean, 100.0 * mean / 10.0, cost[cost.size() / 2], cost.back());
}

void bigDatabase(const fs::path& file, int runs, int rowsPerRun)
{
    if (!fs::exists(file)) {
        const auto t0 = Clock::now();
        lora::RunStore store(file);
        const int steps = rowsPerRun / 4;
        for (int r = 0; r < runs; ++r) {
            const int64_t id = store.createRun({.name = "run " + std::to_string(r),
                                                .modelPath = "/models/llama-" + std::to_string(r % 7),
                                                .configJson = R"({"lora": {"r": )" + std::to_string(4 << (r % 4)) + "}}",
                                                .device = "cpu", .outputDir = "/runs/" + std::to_string(r),
                                                .totalSteps = steps});
            lora::MetricWriterOptions options;
            options.maxRows = static_cast<size_t>(rowsPerRun) + 64;
            options.maxDelay = std::chrono::hours(1);
            lora::MetricWriter writer(file, id, options);
            for (int s = 1; s <= steps; ++s) {
                const double e = s / 100.0;
                writer.add({s, e, s * 512, s * 0.01, "train", "loss", 2.0 / (1.0 + e) + r * 1e-4});
                writer.add({s, e, s * 512, s * 0.01, "train", "learning_rate", 2e-4});
                writer.add({s, e, s * 512, s * 0.01, "train", "grad_norm", 0.5});
                writer.add({s, e, s * 512, s * 0.01, "train", "tokens_per_second", 51200});
            }
            writer.flush();
            store.finishRun(id, {lora::RunStatus::Completed, "", steps * 0.01});
        }
        std::printf("built %s: %d runs x %d metric rows in %.1f s, %.0f MiB\n", file.c_str(), runs, rowsPerRun,
                    ms(Clock::now() - t0) / 1000, static_cast<double>(fs::file_size(file)) / (1 << 20));
    }
    for (int round = 0; round < 3; ++round) {
        const auto t0 = Clock::now();
        lora::RunStore store(file);
        const auto t1 = Clock::now();
        const auto all = store.runs();
        const auto t2 = Clock::now();
        const auto curve = store.metrics(all[all.size() / 2].id, "train", "loss");
        const auto t3 = Clock::now();
        size_t points = 0;
        for (size_t i = 0; i < 5; ++i)
            points += store.metrics(all[i * 97 % all.size()].id, "train", "loss").size();
        const auto t4 = Clock::now();
        std::printf("round %d: open %.2f ms; runs page (%zu runs) %.2f ms; one loss curve (%zu points) %.2f ms; "
                    "5 curves (%zu points) %.2f ms; total %.2f ms\n",
                    round + 1, ms(t1 - t0), all.size(), ms(t2 - t1), curve.size(), ms(t3 - t2), points, ms(t4 - t3),
                    ms(t4 - t0));
    }
}

}  // namespace

int main(int argc, char** argv)
{
    int steps = 1000, runs = 1000, rows = 10000;
    fs::path db;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--steps"))
            steps = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--runs"))
            runs = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--rows"))
            rows = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--db"))
            db = argv[i + 1];
    }
    const auto dir = fs::temp_directory_path() / ("lora-store-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    if (db.empty())
        db = dir / "big.sqlite";
    std::printf("1. metrics writing at 100 steps/s (5 rows a step at most)\n");
    writingCost(dir, steps, std::chrono::milliseconds(1000), "default (commit after 1000 ms)");
    writingCost(dir, steps, std::chrono::milliseconds(0), "commit at every step boundary");
    std::printf("2. a database of %d runs x %d metric rows\n", runs, rows);
    bigDatabase(db, runs, rows);
    for (const auto& f : fs::directory_iterator(dir))
        if (f.path() != db && f.path().string().rfind(db.string(), 0) != 0)
            fs::remove(f.path());
    return 0;
}
