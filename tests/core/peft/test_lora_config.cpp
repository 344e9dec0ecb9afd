// adapter_config.json: what we write reads back the same, PEFT's own files parse, bad values are named.
#include "lora/error.h"
#include "lora/lora_config.h"

#include <QtTest>

using lora::LoraConfig;

class TestLoraConfig final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        LoraConfig c;
        c.r = 12;
        c.alpha = 24;
        c.dropout = 0.05;
        c.targetModules = {"c_attn", "c_proj"};
        c.layersToTransform = {0, 2};
        c.rankPattern = {{"c_proj", 4}, {"c_attn", 16}};
        c.alphaPattern = {{"c_attn", 3.5}};
        c.useRslora = true;
        c.init = lora::LoraInit::Gaussian;
        c.baseModelNameOrPath = "gpt2";
        const LoraConfig back = lora::parseAdapterConfigJson(lora::toAdapterConfigJson(c, true), "x.json");
        QCOMPARE(back.r, 12);
        QCOMPARE(back.alpha, 24.0);
        QCOMPARE(back.dropout, 0.05);
        QCOMPARE(back.targetModules, c.targetModules);
        QCOMPARE(back.layersToTransform, c.layersToTransform);
        QCOMPARE(back.rankPattern, c.rankPattern);  // order kept: PEFT applies the first matching key
        QCOMPARE(back.alphaPattern, c.alphaPattern);
        QVERIFY(back.useRslora);
        QVERIFY(back.init == lora::LoraInit::Gaussian);
        QCOMPARE(back.baseModelNameOrPath, std::string("gpt2"));
    }

    void writesPeftKeys()
    {
        const std::string json = lora::toAdapterConfigJson(LoraConfig{}, false);
        for (const char* key : {"\"peft_type\": \"LORA\"", "\"inference_mode\": true", "\"bias\": \"none\"",
                                "\"fan_in_fan_out\": false", "\"lora_alpha\"", "\"target_modules\""})
            QVERIFY2(json.find(key) != std::string::npos, key);
    }

    void readsPeftStyle()
    {
        // As PEFT 0.21 writes it, with keys LoRA Studio does not use (ignored).
        const char* text = R"({"alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": null,
            "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true,
            "layers_pattern": null, "layers_to_transform": null, "lora_alpha": 16, "lora_dropout": 0.1,
            "megatron_config": null, "modules_to_save": null, "peft_type": "LORA", "r": 8,
            "rank_pattern": {"q_proj": 2}, "revision": null, "target_modules": ["v_proj", "q_proj"],
            "task_type": "CAUSAL_LM", "use_dora": false, "use_rslora": false, "eva_config": null})";
        const LoraConfig c = lora::parseAdapterConfigJson(text, "adapter_config.json");
        QCOMPARE(c.r, 8);
        QCOMPARE(c.rankFor("model.layers.0.self_attn.q_proj"), 2);
        QCOMPARE(c.rankFor("model.layers.0.self_attn.v_proj"), 8);
        QCOMPARE(c.scalingFor("model.layers.0.self_attn.q_proj"), 8.0);
        QCOMPARE(c.scalingFor("model.layers.0.self_attn.v_proj"), 2.0);
    }

    void rsloraScaling()
    {
        LoraConfig c;
        c.r = 16;
        c.alpha = 8;
        c.useRslora = true;
        QCOMPARE(c.scalingFor("x"), 2.0);
    }

    void regexAndAllLinear()
    {
        const LoraConfig c = lora::parseAdapterConfigJson(R"({"r": 4, "target_modules": "all-linear"})", "a.json");
        QVERIFY(c.targetsAllLinear());
        const LoraConfig d = lora::parseAdapterConfigJson(R"({"r": 4, "target_modules": ".*\\.q_proj"})", "a.json");
        QVERIFY(!d.targetsAllLinear());
        QCOMPARE(*d.targetRegex, std::string(".*\\.q_proj"));
    }

    void badValues_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{r: 4" << "not valid JSON";
        QTest::newRow("not object") << "[1,2]" << "expected a JSON object";
        QTest::newRow("other peft type") << R"({"peft_type": "IA3", "target_modules": ["q"]})" << "peft_type";
        QTest::newRow("rank zero") << R"({"r": 0, "target_modules": ["q"]})" << "\"r\"";
        QTest::newRow("no targets") << R"({"r": 4})" << "target_modules";
        QTest::newRow("bias") << R"({"r": 4, "target_modules": ["q"], "bias": "all"})" << "bias";
        QTest::newRow("targets not strings") << R"({"r": 4, "target_modules": [1]})" << "target_modules";
        QTest::newRow("rank pattern") << R"({"r": 4, "target_modules": ["q"], "rank_pattern": {"q": 0}})"
                                      << "rank_pattern";
        QTest::newRow("rank a string") << R"({"r": "eight", "target_modules": ["q"]})" << "\"r\" must be an integer";
        // Found by tests/fuzz (fuzz_adapter_config): nlohmann's get<int>() on 1e114 is undefined behaviour.
        QTest::newRow("rank a huge float") << R"({"r": 4.6e114, "target_modules": ["q"]})" << "\"r\" must be an integer";
        QTest::newRow("rank past int") << R"({"r": 1099511627776, "target_modules": ["q"]})" << "\"r\" must be an integer";
        QTest::newRow("layer past int") << R"({"r": 4, "target_modules": ["q"], "layers_to_transform": [4294967297]})"
                                        << "layers_to_transform";
        QTest::newRow("alpha a string") << R"({"r": 4, "lora_alpha": "x", "target_modules": ["q"]})" << "lora_alpha";
        // Found by tests/fuzz (fuzz_adapter_config): a non-string peft_type escaped as nlohmann's exception.
        QTest::newRow("peft type not a string") << R"({"peft_type": 8, "target_modules": ["q"]})" << "wrong type";
    }
    void badValues()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        try {
            lora::parseAdapterConfigJson(json.toStdString(), "/some/adapter_config.json");
            QFAIL("expected lora::Error");
        } catch (const lora::Error& e) {
            const QString message = e.what();
            QVERIFY2(message.contains("/some/adapter_config.json"), qPrintable(message));
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(TestLoraConfig)
#include "test_lora_config.moc"
