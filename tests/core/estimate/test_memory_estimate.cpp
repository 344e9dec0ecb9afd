// The training-memory estimate: its parts add up, and each scales with what it depends on (activations with
// batch and sequence length, gradients and optimizer state with what trains). How close it comes to a real
// run's peak is a benchmark (bench/estimate_memory.py), not a test.
#include "lora/error.h"
#include "lora/memory_estimate.h"
#include "lora/model.h"

#include <QtTest>

#include <algorithm>

using namespace lora;

namespace {

std::shared_ptr<Model> fixture(const char* name)
{
    return Model::load(std::string(LORA_FIXTURES_DIR) + "/models/" + name);
}

MemoryEstimateSettings loraRun(std::vector<std::string> targets, int64_t batch = 2, int64_t seq = 32)
{
    MemoryEstimateSettings s;
    s.lora.r = 8;
    s.lora.targetModules = std::move(targets);
    s.batchSize = batch;
    s.sequenceLength = seq;
    return s;
}

}  // namespace

class TestMemoryEstimate final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void partsAddUpToTotal()
    {
        const auto model = fixture("gpt2");
        const auto e = estimateTrainingMemory(model->description(), loraRun({"c_attn"}));
        QCOMPARE(e.total(), e.weights + e.loraParameters + e.gradients + e.optimizerStates + e.activations +
                                e.lossHead + e.fixedOverhead);
        QCOMPARE(e.weights, model->description().totalParameters * 4);
        // LoRA: gradients and both AdamW moments only for the adapter.
        QCOMPARE(e.gradients, e.loraParameters);
        QCOMPARE(e.optimizerStates, 2 * e.loraParameters);
        QVERIFY(e.activations > 0 && e.lossHead > 0 && e.fixedOverhead > 0);
    }

    void activationsAreLinearInBatchAndSequence()
    {
        for (const char* name : {"gpt2", "llama", "bert"}) {
            const auto model = fixture(name);
            const std::vector<std::string> targets =
                std::string(name) == "gpt2" ? std::vector<std::string>{"c_attn"}
                : std::string(name) == "bert" ? std::vector<std::string>{"query", "value"}
                                              : std::vector<std::string>{"q_proj", "v_proj"};
            const auto one = estimateTrainingMemory(model->description(), loraRun(targets, 1, 16));
            const auto four = estimateTrainingMemory(model->description(), loraRun(targets, 4, 16));
            const auto longer = estimateTrainingMemory(model->description(), loraRun(targets, 1, 64));
            QCOMPARE(four.activations, 4 * one.activations);
            QCOMPARE(longer.activations, 4 * one.activations);
            // Nothing else depends on the batch.
            QCOMPARE(four.weights, one.weights);
            QCOMPARE(four.optimizerStates, one.optimizerStates);
        }
    }

    void fullFineTuningNeedsMoreThanLora()
    {
        const auto model = fixture("llama");
        const auto lo = estimateTrainingMemory(model->description(), loraRun({"q_proj", "v_proj"}));
        auto settings = loraRun({"q_proj", "v_proj"});
        settings.mode = TrainingMode::Full;
        const auto full = estimateTrainingMemory(model->description(), settings);
        QCOMPARE(full.loraParameters, int64_t{0});
        QCOMPARE(full.gradients, full.weights);
        QCOMPARE(full.optimizerStates, 2 * full.weights);
        QVERIFY(full.activations > lo.activations);  // every projection keeps its input
        QVERIFY(full.lossHead > lo.lossHead);        // the head trains: full logits instead of chunks
        QVERIFY(full.total() > lo.total());
    }

    void moreTrainedModulesKeepMoreActivations()
    {
        const auto model = fixture("llama");
        const auto qv = estimateTrainingMemory(model->description(), loraRun({"q_proj", "v_proj"}));
        const auto all = estimateTrainingMemory(model->description(),
                                                loraRun({"q_proj", "v_proj", "o_proj", "up_proj", "down_proj"}));
        QVERIFY(all.activations > qv.activations);
        QVERIFY(all.loraParameters > qv.loraParameters);
    }

    void blocksBelowTheLowestAdaptedOneKeepNothing()
    {
        const auto model = fixture("llama");
        QVERIFY(model->description().numLayers >= 2);
        auto lower = loraRun({"q_proj"});
        lower.lora.layersToTransform = {0};
        auto upper = loraRun({"q_proj"});
        upper.lora.layersToTransform = {model->description().numLayers - 1};
        const auto fromFirst = estimateTrainingMemory(model->description(), lower);
        const auto fromLast = estimateTrainingMemory(model->description(), upper);
        QCOMPARE(fromFirst.loraParameters, fromLast.loraParameters);
        QVERIFY(fromLast.activations < fromFirst.activations);
    }

    void halfPrecisionHalvesWeightsAndActivations()
    {
        const auto model = fixture("gpt2");
        auto settings = loraRun({"c_attn"});
        const auto f32 = estimateTrainingMemory(model->description(), settings);
        settings.dtype = "bfloat16";
        const auto bf16 = estimateTrainingMemory(model->description(), settings);
        QCOMPARE(2 * bf16.weights, f32.weights);
        QCOMPARE(2 * bf16.activations, f32.activations);
    }

    // model/cpu_fused_ops.h: on the CPU in fp32 the SwiGLU gate keeps gate and up but not silu(gate), one
    // intermediate-wide tensor per block less than the composite form a GPU run keeps.
    void theFusedCpuGateKeepsOneIntermediateTensorLessPerBlock()
    {
        const auto model = fixture("llama");
        const auto& d = model->description();
        auto settings = loraRun({"q_proj", "v_proj"});
        const auto cpu = estimateTrainingMemory(d, settings);
        settings.device = "cuda";
        const auto gpu = estimateTrainingMemory(d, settings);
        const auto gate = std::find_if(d.modules.begin(), d.modules.end(),
                                       [](const ModuleInfo& m) { return m.name == "model.layers.0.mlp.gate_proj"; });
        QVERIFY(gate != d.modules.end());
        const int64_t intermediate = gate->weightShape[0];
        QCOMPARE(gpu.activations - cpu.activations,
                 d.numLayers * intermediate * settings.batchSize * settings.sequenceLength * 4);
    }

    // LoRA dropout: on the CPU the fused LoRA layer keeps a one-byte mask per branch beside the input the
    // branches share; the composite form (a GPU run) keeps each branch's noise and dropped input, two float
    // tensors, instead of the shared input.
    void loraDropoutKeepsEachBranchsMask()
    {
        const auto model = fixture("llama");
        const auto& d = model->description();
        const int64_t h = d.hiddenSize;
        auto settings = loraRun({"q_proj", "v_proj"});
        const int64_t tokens = settings.batchSize * settings.sequenceLength;
        for (const char* device : {"cpu", "cuda"}) {
            settings.device = device;
            settings.lora.dropout = 0.0;
            const auto without = estimateTrainingMemory(d, settings);
            settings.lora.dropout = 0.05;
            const auto with = estimateTrainingMemory(d, settings);
            const int64_t perBlock = std::string(device) == "cpu" ? 2 * h : (2 * 2 * h - h) * 4;
            QCOMPARE(with.activations - without.activations, d.numLayers * perBlock * tokens);
            QCOMPARE(with.total() - without.total(), with.activations - without.activations);
        }
        // Full fine-tuning has no LoRA branch to drop out from.
        settings.mode = TrainingMode::Full;
        settings.lora.dropout = 0.0;
        const auto full = estimateTrainingMemory(d, settings);
        settings.lora.dropout = 0.05;
        QCOMPARE(estimateTrainingMemory(d, settings).activations, full.activations);
    }

    void badSettingsAreClearErrors()
    {
        const auto model = fixture("gpt2");
        QVERIFY_THROWS_EXCEPTION(Error, estimateTrainingMemory(model->description(), loraRun({"c_attn"}, 0, 16)));
        auto settings = loraRun({"c_attn"});
        settings.dtype = "float8";
        QVERIFY_THROWS_EXCEPTION(Error, estimateTrainingMemory(model->description(), settings));
        QVERIFY_THROWS_EXCEPTION(Error, estimateTrainingMemory(model->description(), loraRun({"no_such_module"})));
    }

    void cpuMemoryIsReadFromTheSystem()
    {
        QVERIFY(availableMemoryBytes("cpu") > 0);  // /proc/meminfo's MemAvailable
        QCOMPARE(formatMemory(1'400'000'000), std::string("1.4 GB"));
        QCOMPARE(formatMemory(730'000'000), std::string("730 MB"));
    }
};

QTEST_GUILESS_MAIN(TestMemoryEstimate)
#include "test_memory_estimate.moc"
