// A sweep before it trains: layer ranges, the grid's JSON and its errors, the expansion into cells, and each cell's
// configuration and parameter budget on the llama_train fixture (2 blocks, hidden 64, k/v projections 64 -> 32).
#include "lora/error.h"
#include "lora/model.h"
#include "lora/sweep.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace lora;
namespace fs = std::filesystem;

namespace {

fs::path fixtureModel(const std::string& name) { return fs::path(LORA_FIXTURES_DIR) / "models" / name; }

template <class F>
std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

SweepSpec smallSpec()
{
    SweepSpec spec;
    spec.name = "plan";
    spec.grid = {{2, 4}, {TargetPreset::QueryValue, TargetPreset::AllLinear}, {parseLayerRange("0"), parseLayerRange("all")}, {1}};
    spec.base.modelDir = fixtureModel("llama_train");
    spec.base.dataFile = "/data/train.txt";
    spec.base.outputDir = "/runs/sweep";
    spec.base.validationFraction = 0.2;
    spec.base.maxSteps = 3;
    return spec;
}

}  // namespace

class TestSweepPlan final : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<Model> model_;

private Q_SLOTS:
    void initTestCase() { model_ = Model::load(fixtureModel("llama_train")); }

    void layerRanges()
    {
        QVERIFY(parseLayerRange("all").layers.empty());
        QCOMPARE(parseLayerRange("3").layers, std::vector<int>{3});
        QCOMPARE(parseLayerRange("1-3").layers, (std::vector<int>{1, 2, 3}));
        // " 1", "+1" and "1-/2" would reach the cell folder names (stoi accepts the first two).
        for (const char* bad : {"", "x", "3-1", "-1", "1-", "1.5", " 1", "+1", "1-/2", "0-99999999999"})
            QVERIFY2(errorOf([&] { parseLayerRange(bad); }).find("layer range") != std::string::npos, bad);
    }

    void gridJsonRoundTripsAndNamesErrors()
    {
        const auto grid = smallSpec().grid;
        const auto back = sweepGridFromJson(sweepGridToJson(grid), "g.json");
        QCOMPARE(back.ranks, grid.ranks);
        QCOMPARE(back.presets, grid.presets);
        QCOMPARE(back.layerRanges.size(), size_t(2));
        QCOMPARE(back.layerRanges[1].text, std::string("all"));
        QCOMPARE(back.seeds, grid.seeds);

        auto error = [](const std::string& json) { return errorOf([&] { sweepGridFromJson(json, "g.json"); }); };
        const std::string ok = R"("target_presets": ["qv"], "layers": ["all"], "seeds": [1])";
        QVERIFY(error(R"({"ranks": [4], )" + ok + "}").empty());
        QVERIFY(error(R"({"ranks": [4], "rank": 2, )" + ok + "}").find("g.json: unknown sweep grid key 'rank'") == 0);
        QVERIFY(error(R"({"ranks": [], )" + ok + "}").find("ranks is empty") != std::string::npos);
        QVERIFY(error(R"({"ranks": [0], )" + ok + "}").find("rank 0") != std::string::npos);
        QVERIFY(error(R"({"ranks": [4, 4], )" + ok + "}").find("repeats") != std::string::npos);
        QVERIFY(error(R"({"ranks": ["four"], )" + ok + "}").find("g.json: ") == 0);
        QVERIFY(error(R"({"ranks": [4], "target_presets": ["kv"], "layers": ["all"], "seeds": [1]})")
                    .find("target preset 'kv' is unknown") != std::string::npos);
        QVERIFY(error("[1]").find("not a JSON object") != std::string::npos);
    }

    void expandsEveryCombinationInOrder()
    {
        const auto cells = expandSweepGrid(smallSpec().grid);
        QCOMPARE(cells.size(), size_t(8));
        QCOMPARE(cells[0].label(), std::string("r2 qv layers 0 seed 1"));
        QCOMPARE(cells[1].label(), std::string("r2 qv layers all seed 1"));
        QCOMPARE(cells[2].label(), std::string("r2 all-linear layers 0 seed 1"));
        QCOMPARE(cells[7].label(), std::string("r4 all-linear layers all seed 1"));
        QCOMPARE(cells[7].folderName(), std::string("07-r4-all-linear-Lall-s1"));
        for (size_t i = 0; i < cells.size(); ++i)
            QCOMPARE(cells[i].index, int64_t(i));
    }

    void cellConfigsAndBudgets()
    {
        const auto spec = smallSpec();
        const auto planned = planSweep(spec, model_->description());
        QCOMPARE(planned.size(), size_t(8));
        const auto& qvLayer0 = planned[0];
        QCOMPARE(qvLayer0.config.lora.r, 2);
        QCOMPARE(qvLayer0.config.lora.targetModules, (std::vector<std::string>{"self_attn.q_proj", "self_attn.v_proj"}));
        QVERIFY(!qvLayer0.config.lora.targetRegex);
        QCOMPARE(qvLayer0.config.lora.layersToTransform, std::vector<int>{0});
        QCOMPARE(qvLayer0.config.seed, uint64_t(1));
        QCOMPARE(qvLayer0.config.outputDir, fs::path("/runs/sweep/00-r2-qv-L0-s1"));
        QCOMPARE(qvLayer0.config.maxSteps, int64_t(3));
        // q_proj 64 -> 64 and v_proj 64 -> 32 (two key/value heads of 16) in one block at rank 2.
        QCOMPARE(qvLayer0.budget.trainable, int64_t(2 * (64 + 64) + 2 * (64 + 32)));
        // Both blocks, rank 4: four times as many.
        QCOMPARE(planned[5].budget.trainable, 4 * qvLayer0.budget.trainable);

        // The preset spelt as module kinds picks what the paper's explicit q_proj,v_proj list picks.
        LoraConfig explicitList;
        explicitList.targetModules = {"q_proj", "v_proj"};
        explicitList.r = 4;
        const auto& desc = model_->description();
        QCOMPARE(planned[5].budget.trainable, computeBudget(desc, selectTargets(desc, explicitList), explicitList).trainable);

        const auto& allLinear = planned[7];
        QCOMPARE(allLinear.config.lora.targetRegex.value_or(""), std::string("all-linear"));
        QVERIFY(allLinear.config.lora.layersToTransform.empty());
        QVERIFY(allLinear.budget.trainable > planned[5].budget.trainable);
    }

    void planErrorsSayWhatToChange()
    {
        const auto& desc = model_->description();
        auto spec = smallSpec();
        spec.grid.layerRanges = {parseLayerRange("1-2")};
        QVERIFY(errorOf([&] { planSweep(spec, desc); }).find("layer range '1-2': the model has 2 layers (0-1)") == 0);
        spec = smallSpec();
        spec.base.validationFraction = 0;
        QVERIFY(errorOf([&] { planSweep(spec, desc); }).find("validation_fraction") != std::string::npos);
        spec = smallSpec();
        spec.base.mode = TrainingMode::Full;
        QVERIFY(errorOf([&] { planSweep(spec, desc); }).find("\"lora\"") != std::string::npos);
    }

    void sweepFileRoundTrips()
    {
        QTemporaryDir tmp;
        const fs::path file = fs::path(tmp.path().toStdString()) / "sweep.json";
        std::ofstream(file) << sweepSpecToJson(smallSpec());
        const auto spec = readSweepSpec(file);
        QCOMPARE(spec.name, std::string("plan"));
        QCOMPARE(spec.grid.ranks, (std::vector<int>{2, 4}));
        QCOMPARE(spec.base.validationFraction, 0.2);
        std::ofstream(file) << R"({"grid": {}, "base": {}, "extra": 1})";
        QVERIFY(errorOf([&] { readSweepSpec(file); }).find(file.string() + ": unknown key 'extra'") == 0);
    }
};

QTEST_MAIN(TestSweepPlan)
#include "test_sweep_plan.moc"
