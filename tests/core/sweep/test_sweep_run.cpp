// A sweep of 4 tiny runs on the llama_train fixture is stored as one group of 4 runs, each completed with its
// adapter, and its Pareto front is the set of runs no other run beats on trainable parameters and best validation
// loss. Running it again trains nothing; a stopped sweep resumes its stopped cell from its checkpoint and runs the
// rest, in the same run rows.
#include "lora/model.h"
#include "lora/run_store.h"
#include "lora/sweep.h"
#include "lora/sweep_queue.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <set>

using namespace lora;
namespace fs = std::filesystem;

namespace {

fs::path fixtureModel(const std::string& name) { return fs::path(LORA_FIXTURES_DIR) / "models" / name; }

SweepSpec tinySpec(const fs::path& dir, std::vector<int> ranks, std::vector<TargetPreset> presets)
{
    const auto data = dir / "train.txt";
    std::ofstream out(data);
    for (int i = 0; i < 40; ++i)
        out << "the cat sat on mat " << i << " and the dog ran far away\n";
    SweepSpec spec;
    spec.name = "tiny";
    spec.grid = {std::move(ranks), std::move(presets), {parseLayerRange("all")}, {1}};
    auto& b = spec.base;
    b.modelDir = fixtureModel("llama_train");
    b.dataFile = data;
    b.dataset.blockSize = 16;
    b.outputDir = dir / "sweep";
    b.maxSteps = 3;
    b.batchSize = 2;
    b.learningRate = 1e-2;
    b.validationFraction = 0.25;
    b.saveSteps = 1;
    b.threads = 1;
    return spec;
}

int64_t createFrom(const fs::path& db, const SweepSpec& spec)
{
    RunStore store(db);
    const auto model = Model::load(spec.base.modelDir);
    return createSweep(store, spec, planSweep(spec, model->description()));
}

}  // namespace

class TestSweepRun final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path dir() const { return tmp_.path().toStdString(); }

private Q_SLOTS:
    void fourRunsInOneGroupAndTheirFront()
    {
        const auto db = dir() / "runs.sqlite";
        fs::create_directories(dir() / "a");
        const auto spec = tinySpec(dir() / "a", {2, 4}, {TargetPreset::QueryValue, TargetPreset::AllLinear});
        const int64_t id = createFrom(db, spec);
        {
            RunStore store(db);
            QCOMPARE(store.sweep(id)->status, RunStatus::Queued);
            QCOMPARE(store.sweepRuns(id).size(), size_t(4));
        }
        std::vector<int64_t> started;
        const auto status = runSweep(db, id, {.cellStarted = [&](const SweepCellRun& c, size_t, size_t) {
            started.push_back(c.runId);
        }});
        QCOMPARE(status, RunStatus::Completed);
        QCOMPARE(started.size(), size_t(4));

        RunStore store(db);
        QCOMPARE(store.sweep(id)->status, RunStatus::Completed);
        const auto runs = store.sweepRuns(id);
        QCOMPARE(runs.size(), size_t(4));
        QCOMPARE(store.runs().size(), size_t(4));  // no run outside the group
        std::set<int64_t> cells;
        for (const auto& r : runs) {
            QCOMPARE(r.sweepId.value_or(0), id);
            cells.insert(r.sweepCell.value_or(-1));
            QCOMPARE(r.status, RunStatus::Completed);
            QCOMPARE(r.stepsDone, int64_t(3));
            QVERIFY(r.bestValLoss);
            QVERIFY(r.trainableParams > 0);
            QVERIFY(fs::exists(fs::path(r.outputDir) / "adapter_model.safetensors"));
        }
        QCOMPARE(cells, (std::set<int64_t>{0, 1, 2, 3}));
        // The cells differ as planned: rank 4 trains twice rank 2's parameters; all-linear more than q+v.
        QCOMPARE(runs[2].trainableParams, 2 * runs[0].trainableParams);
        QVERIFY(runs[1].trainableParams > runs[0].trainableParams);

        // The front: exactly the runs no other run dominates on (trainable parameters, best val loss).
        const auto results = sweepResults(store, id);
        QCOMPARE(results.size(), size_t(4));
        size_t onFront = 0;
        for (const auto& r : results) {
            bool dominated = false;
            for (const auto& o : results)
                dominated = dominated || (o.run.trainableParams <= r.run.trainableParams &&
                                          *o.run.bestValLoss <= *r.run.bestValLoss &&
                                          (o.run.trainableParams < r.run.trainableParams ||
                                           *o.run.bestValLoss < *r.run.bestValLoss));
            QCOMPARE(r.onFront, !dominated);
            QCOMPARE(*r.quality, *r.run.bestValLoss);
            QVERIFY(r.adapterBytes && *r.adapterBytes > 0);
            QVERIFY(r.cell);
            onFront += r.onFront;
        }
        QVERIFY(onFront >= 1);
        QVERIFY(results[0].onFront);  // the cheapest run is never dominated (its cost is unique here)
        // On adapter bytes the stored adapters' sizes order the cells as their parameter counts do.
        QVERIFY(*results[2].adapterBytes > *results[0].adapterBytes);

        // A completed sweep run again trains nothing and duplicates nothing.
        const auto metricRows = store.metricCount(runs[0].id);
        started.clear();
        QCOMPARE(runSweep(db, id, {.cellStarted = [&](const SweepCellRun& c, size_t, size_t) {
                     started.push_back(c.runId);
                 }}),
                 RunStatus::Completed);
        QVERIFY(started.empty());
        QCOMPARE(RunStore(db).sweepRuns(id).size(), size_t(4));
        QCOMPARE(RunStore(db).metricCount(runs[0].id), metricRows);
    }

    void stoppedSweepResumesFromItsCheckpoint()
    {
        const auto db = dir() / "stop.sqlite";
        fs::create_directories(dir() / "b");
        const auto spec = tinySpec(dir() / "b", {2, 4}, {TargetPreset::QueryValue});
        const int64_t id = createFrom(db, spec);

        // Stop during the first cell, after its second step (a checkpoint is written every step).
        int steps = 0;
        SweepCallbacks stopping;
        stopping.progress = [&](const TrainingProgress&) { ++steps; };
        stopping.proceed = [&] { return steps < 2; };
        QCOMPARE(runSweep(db, id, stopping), RunStatus::Stopped);
        int64_t first = 0;
        {
            RunStore store(db);
            QCOMPARE(store.sweep(id)->status, RunStatus::Stopped);
            const auto runs = store.sweepRuns(id);
            QCOMPARE(runs[0].status, RunStatus::Stopped);
            QCOMPARE(runs[1].status, RunStatus::Queued);
            first = runs[0].id;
        }

        std::vector<std::pair<int64_t, std::optional<int64_t>>> started;
        SweepCallbacks resuming;
        resuming.cellStarted = [&](const SweepCellRun& c, size_t, size_t) { started.push_back({c.runId, c.resumeStep}); };
        QCOMPARE(runSweep(db, id, resuming), RunStatus::Completed);
        QCOMPARE(started.size(), size_t(2));
        QCOMPARE(started[0].first, first);
        QVERIFY(started[0].second && *started[0].second >= 1);  // from its checkpoint, not from step 0

        RunStore store(db);
        QCOMPARE(store.runs().size(), size_t(2));
        const auto runs = store.sweepRuns(id);
        QCOMPARE(runs[0].id, first);
        QCOMPARE(runs[0].status, RunStatus::Completed);
        QCOMPARE(runs[1].status, RunStatus::Completed);
        const auto losses = store.metrics(first, "train", "loss");
        QCOMPARE(losses.size(), size_t(3));  // each step once
        for (size_t i = 0; i < losses.size(); ++i)
            QCOMPARE(losses[i].step, int64_t(i + 1));
        QCOMPARE(store.sweep(id)->status, RunStatus::Completed);
    }
};

QTEST_MAIN(TestSweepRun)
#include "test_sweep_run.moc"
