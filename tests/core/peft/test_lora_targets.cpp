// Target selection with PEFT's semantics and the parameter budget, on hand-built model descriptions.
// (test_budget_matches_peft.py checks the same numbers against PEFT itself on real models.)
#include "lora/error.h"
#include "lora/lora_targets.h"

#include <QtTest>

using namespace lora;

namespace {

// A 2-layer Llama-shaped description: hidden 64, 4 heads of 16, 2 KV heads, MLP 128, vocab 100.
ModelDescription tinyLlama()
{
    ModelDescription d;
    d.modelType = "llama";
    d.architecture = "LlamaForCausalLM";
    d.task = "causal-lm";
    d.numLayers = 2;
    auto add = [&](std::string name, std::string type, std::vector<int64_t> shape) {
        int64_t n = 1;
        for (auto s : shape)
            n *= s;
        d.modules.push_back({std::move(name), std::move(type), shape, shape.empty() ? 0 : n});
        d.totalParameters += shape.empty() ? 0 : n;
    };
    add("model", "LlamaModel", {});
    add("model.embed_tokens", "Embedding", {100, 64});
    for (int i = 0; i < 2; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        add(p.substr(0, p.size() - 1), "LlamaDecoderLayer", {});
        add(p + "self_attn", "LlamaAttention", {});
        add(p + "self_attn.q_proj", "Linear", {64, 64});
        add(p + "self_attn.k_proj", "Linear", {32, 64});
        add(p + "self_attn.v_proj", "Linear", {32, 64});
        add(p + "self_attn.o_proj", "Linear", {64, 64});
        add(p + "mlp", "LlamaMLP", {});
        add(p + "mlp.gate_proj", "Linear", {128, 64});
        add(p + "mlp.up_proj", "Linear", {128, 64});
        add(p + "mlp.down_proj", "Linear", {64, 128});
        add(p + "input_layernorm", "RMSNorm", {64});
        add(p + "post_attention_layernorm", "RMSNorm", {64});
    }
    add("model.norm", "RMSNorm", {64});
    add("lm_head", "Linear", {100, 64});
    return d;
}

std::vector<std::string> names(const std::vector<LoraTarget>& targets)
{
    std::vector<std::string> out;
    for (const auto& t : targets)
        out.push_back(t.name);
    return out;
}

}  // namespace

class TestLoraTargets final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listMatchesSuffixes()
    {
        LoraConfig c;
        c.targetModules = {"q_proj", "v_proj"};
        const auto t = selectTargets(tinyLlama(), c);
        QCOMPARE(names(t), (std::vector<std::string>{"model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                                                     "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"}));
        QCOMPARE(t[1].inFeatures, 64);
        QCOMPARE(t[1].outFeatures, 32);
        QCOMPARE(t[1].layer, 0);
        QCOMPARE(t[3].layer, 1);
    }

    void suffixMustFollowADot()
    {
        LoraConfig c;
        c.targetModules = {"proj"};  // "q_proj" ends with "proj" but not with ".proj"
        QVERIFY_THROWS_EXCEPTION(Error, selectTargets(tinyLlama(), c));
    }

    void fullNameInList()
    {
        LoraConfig c;
        c.targetModules = {"model.layers.1.mlp.down_proj"};
        QCOMPARE(names(selectTargets(tinyLlama(), c)), std::vector<std::string>{"model.layers.1.mlp.down_proj"});
    }

    void regexMustMatchWholeName()
    {
        LoraConfig c;
        c.targetRegex = ".*\\.1\\.self_attn\\.(q|k)_proj";
        QCOMPARE(names(selectTargets(tinyLlama(), c)),
                 (std::vector<std::string>{"model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.k_proj"}));
        c.targetRegex = "q_proj";  // a partial match is not enough
        QVERIFY_THROWS_EXCEPTION(Error, selectTargets(tinyLlama(), c));
    }

    void allLinearSkipsTheHead()
    {
        LoraConfig c;
        c.targetRegex = "all-linear";
        const auto t = selectTargets(tinyLlama(), c);
        QCOMPARE(t.size(), size_t(14));
        for (const auto& target : t)
            QVERIFY(target.name != "lm_head");
    }

    void layersAndExclusions()
    {
        LoraConfig c;
        c.targetRegex = "all-linear";
        c.layersToTransform = {1};
        c.excludeModules = {"down_proj"};
        const auto t = selectTargets(tinyLlama(), c);
        QCOMPARE(t.size(), size_t(6));
        for (const auto& target : t) {
            QCOMPARE(target.layer, 1);
            QVERIFY(!target.name.ends_with("down_proj"));
        }
    }

    void rankAndAlphaPatterns()
    {
        LoraConfig c;
        c.r = 8;
        c.alpha = 16;
        c.targetModules = {"q_proj", "v_proj"};
        c.rankPattern = {{"q_proj", 2}};
        c.alphaPattern = {{"layers.1.self_attn.v_proj", 4}};
        const auto t = selectTargets(tinyLlama(), c);
        QCOMPARE(t[0].rank, 2);
        QCOMPARE(t[0].scaling, 8.0);
        QCOMPARE(t[1].rank, 8);
        QCOMPARE(t[1].scaling, 2.0);
        QCOMPARE(t[3].alpha, 4.0);
        QCOMPARE(t[3].scaling, 0.5);
    }

    void nonLinearTargetIsAnError()
    {
        LoraConfig c;
        c.targetModules = {"embed_tokens"};
        try {
            selectTargets(tinyLlama(), c);
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("Embedding"), e.what());
        }
    }

    void nothingSelectedListsModules()
    {
        LoraConfig c;
        c.targetModules = {"c_attn"};
        try {
            selectTargets(tinyLlama(), c);
            QFAIL("expected an error");
        } catch (const Error& e) {
            const QString m = e.what();
            QVERIFY2(m.contains("c_attn") && m.contains("self_attn.q_proj") && m.contains("mlp.down_proj"), e.what());
        }
    }

    void budget()
    {
        LoraConfig c;
        c.r = 4;
        c.targetModules = {"q_proj", "v_proj"};
        const auto d = tinyLlama();
        const auto b = computeBudget(d, selectTargets(d, c), c);
        const int64_t perLayer = 4 * (64 + 64) + 4 * (64 + 32);
        QCOMPARE(b.trainable, 2 * perLayer);
        QCOMPARE(b.total, d.totalParameters + 2 * perLayer);
        QCOMPARE(b.perLayer.at(0), perLayer);
        QCOMPARE(b.perLayer.at(1), perLayer);
        QCOMPARE(b.adapterBytes, 2 * perLayer * 4);
        c.useDora = true;  // one magnitude per output row
        QCOMPARE(computeBudget(d, selectTargets(d, c), c).trainable, 2 * perLayer + 2 * (64 + 32));
    }

    void peftSummaryFormat()
    {
        ParameterBudget b;
        b.trainable = 294912;
        b.total = 124734720;
        QCOMPARE(b.peftSummary(), std::string("trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364"));
    }

    void layerIndexAndKind_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("layer");
        QTest::addColumn<QString>("kind");
        QTest::newRow("llama") << "model.layers.3.self_attn.q_proj" << 3 << "self_attn.q_proj";
        QTest::newRow("gpt2") << "transformer.h.11.attn.c_attn" << 11 << "attn.c_attn";
        QTest::newRow("bert") << "bert.encoder.layer.0.attention.self.query" << 0 << "attention.self.query";
        QTest::newRow("head") << "lm_head" << -1 << "lm_head";
        QTest::newRow("pooler") << "bert.pooler.dense" << -1 << "bert.pooler.dense";
    }
    void layerIndexAndKind()
    {
        QFETCH(QString, name);
        QFETCH(int, layer);
        QFETCH(QString, kind);
        QCOMPARE(layerIndexOf(name.toStdString()), layer);
        QCOMPARE(QString::fromStdString(moduleKind(name.toStdString())), kind);
    }
};

QTEST_GUILESS_MAIN(TestLoraTargets)
#include "test_lora_targets.moc"
