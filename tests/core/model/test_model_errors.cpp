// Each way a model folder can be broken, and the message the user gets: it names the file and the problem.
#include "lora/error.h"
#include "lora/model.h"
#include "model_test_support.h"

#include <cstring>

using namespace lora;
using lora::test::RewrittenTensor;

namespace {

using Breakage = std::function<void(const std::filesystem::path& dir)>;

Breakage configEdit(std::function<void(nlohmann::json&)> edit)
{
    return [edit](const std::filesystem::path& dir) { test::editConfig(dir, edit); };
}

Breakage checkpointEdit(std::function<std::optional<RewrittenTensor>(RewrittenTensor)> change)
{
    return [change](const std::filesystem::path& dir) { test::rewriteCheckpoint(dir, change); };
}

struct Case {
    const char* name;
    const char* fixture;
    Breakage breakIt;
    std::vector<std::string> expected;  // substrings of the message
};

const std::vector<Case>& cases()
{
    static const std::vector<Case> all = {
        {"malformed config.json", "gpt2",
         [](const auto& dir) { test::writeText(dir / "config.json", "{\"model_type\": \"gpt2\", "); },
         {"config.json", "not valid JSON"}},
        {"missing config.json", "gpt2", [](const auto& dir) { std::filesystem::remove(dir / "config.json"); },
         {"config.json", "not found"}},
        {"config.json not an object", "gpt2", [](const auto& dir) { test::writeText(dir / "config.json", "[1, 2]"); },
         {"config.json", "JSON object"}},
        {"unknown model_type", "gpt2", configEdit([](auto& j) { j["model_type"] = "t5"; }),
         {"config.json", "model_type 't5' is not supported", "gpt2, llama, mistral, qwen2, bert"}},
        {"missing model_type", "llama", configEdit([](auto& j) { j.erase("model_type"); }),
         {"config.json", "missing key 'model_type'", "gpt2, llama, mistral, qwen2, bert"}},
        {"non-positive hidden size", "gpt2", configEdit([](auto& j) { j["n_embd"] = 0; }),
         {"config.json", "'n_embd'", "positive integer, got 0"}},
        {"negative llama hidden size", "llama", configEdit([](auto& j) { j["hidden_size"] = -64; }),
         {"config.json", "'hidden_size'", "positive integer, got -64"}},
        {"missing vocab_size", "llama", configEdit([](auto& j) { j.erase("vocab_size"); }),
         {"config.json", "missing key 'vocab_size'"}},
        {"ill-typed key", "qwen2", configEdit([](auto& j) { j["num_hidden_layers"] = "two"; }),
         {"config.json", "'num_hidden_layers'", "must be an integer", "\"two\""}},
        // Found by tests/fuzz (fuzz_model_config): 1e2048 overflows a double and escaped as nlohmann's exception.
        {"number past a double", "gpt2",
         [](const auto& dir) { test::writeText(dir / "config.json", R"({"model_type": "gpt2", "n_embd": 1e2048})"); },
         {"config.json", "not valid JSON"}},
        {"huge float size", "llama", configEdit([](auto& j) { j["hidden_size"] = 1e300; }),
         {"config.json", "'hidden_size'", "must be an integer"}},
        {"heads do not divide hidden", "bert", configEdit([](auto& j) { j["num_attention_heads"] = 5; }),
         {"config.json", "'num_attention_heads' (5) must divide 'hidden_size' (48)"}},
        {"kv heads do not divide heads", "llama", configEdit([](auto& j) { j["num_key_value_heads"] = 3; }),
         {"config.json", "'num_key_value_heads' (3) must divide"}},
        {"unsupported rope type", "llama",
         configEdit([](auto& j) { j["rope_parameters"] = {{"rope_type", "yarn"}, {"rope_theta", 10000.0}, {"factor", 4.0}}; }),
         {"config.json", "'rope_parameters.rope_type'", "'yarn'", "default, linear, llama3"}},
        {"legacy rope_scaling unsupported", "mistral",
         configEdit([](auto& j) {
             j.erase("rope_parameters");
             j["rope_theta"] = 10000.0;
             j["rope_scaling"] = {{"type", "dynamic"}, {"factor", 2.0}};
         }),
         {"config.json", "'rope_scaling.rope_type'", "'dynamic'"}},
        {"unknown activation", "gpt2", configEdit([](auto& j) { j["activation_function"] = "mish"; }),
         {"config.json", "activation 'mish' is not supported"}},
        {"tensor missing", "gpt2",
         checkpointEdit([](RewrittenTensor t) -> std::optional<RewrittenTensor> {
             if (t.name == "transformer.h.1.mlp.c_fc.weight")
                 return std::nullopt;
             return t;
         }),
         {"model.safetensors", "missing tensor 'transformer.h.1.mlp.c_fc.weight'"}},
        {"tensor of the wrong shape", "llama",
         checkpointEdit([](RewrittenTensor t) -> std::optional<RewrittenTensor> {
             if (t.name == "model.layers.0.input_layernorm.weight") {
                 t.shape = {40};
                 t.bytes.resize(40 * 4);
             }
             return t;
         }),
         {"model.safetensors", "tensor 'model.layers.0.input_layernorm.weight' has shape [40] but config.json implies [64]"}},
        {"config disagrees with the weights", "gpt2", configEdit([](auto& j) { j["n_inner"] = 100; }),
         {"model.safetensors", "tensor 'transformer.h.0.mlp.c_fc.weight' has shape [48, 192]",
          "config.json implies [48, 100]"}},
        {"integer tensor", "bert",
         checkpointEdit([](RewrittenTensor t) -> std::optional<RewrittenTensor> {
             if (t.name == "classifier.bias")
                 t.dtype = DType::I32;
             return t;
         }),
         {"model.safetensors", "tensor 'classifier.bias' has dtype I32"}},
        {"missing tensor in a sharded checkpoint", "gpt2_sharded",
         [](const auto& dir) {
             auto index = nlohmann::json::parse(test::readText(dir / "model.safetensors.index.json"));
             index["weight_map"].erase("transformer.ln_f.bias");
             test::writeText(dir / "model.safetensors.index.json", index.dump());
         },
         {"model.safetensors.index.json", "missing tensor 'transformer.ln_f.bias'"}},
        {"pickle-only folder", "gpt2",
         [](const auto& dir) {
             std::filesystem::remove(dir / "model.safetensors");
             test::writeText(dir / "pytorch_model.bin", std::string("PK\x03\x04 not really a pickle"));
         },
         {"pytorch_model.bin", "safetensors"}},
        {"no weights at all", "llama", [](const auto& dir) { std::filesystem::remove(dir / "model.safetensors"); },
         {".safetensors"}},
    };
    return all;
}

}  // namespace

class TestModelErrors final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void brokenFolderIsRefusedClearly_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < cases().size(); ++i)
            QTest::newRow(cases()[i].name) << static_cast<int>(i);
    }

    void brokenFolderIsRefusedClearly()
    {
        QFETCH(int, index);
        const Case& c = cases().at(static_cast<size_t>(index));
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const auto dir = test::copyFixture(c.fixture, tmp);
        Model::load(dir);  // the unbroken copy loads: the failure below is the breakage's doing
        c.breakIt(dir);
        std::string message;
        try {
            Model::load(dir);
        } catch (const lora::Error& e) {
            message = e.what();
        }
        QVERIFY2(!message.empty(), "loaded without an error");
        qInfo("%s", message.c_str());
        for (const auto& part : c.expected)
            QVERIFY2(message.find(part) != std::string::npos,
                     qPrintable(QString::fromStdString("'" + part + "' not in: " + message)));
        // The file named is inside the broken folder (full path), not a bare name.
        QVERIFY2(message.find(dir.string()) != std::string::npos, message.c_str());
    }

    void missingFolder()
    {
        const auto dir = std::filesystem::path(LORA_FIXTURES_DIR) / "models" / "no-such-model";
        try {
            Model::load(dir);
            QFAIL("loaded a folder that does not exist");
        } catch (const lora::Error& e) {
            QVERIFY(std::string(e.what()).find(dir.string()) != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestModelErrors)
#include "test_model_errors.moc"
