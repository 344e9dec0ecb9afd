// Adapter folders that do not fit: each is a lora::Error naming the file, and the tensor and both shapes
// where there are shapes.
#include "adapter_test_support.h"
#include "engine/tensor_io.h"

#include <nlohmann/json.hpp>

#include <fstream>

using namespace lora;
using namespace lora::test;

namespace {

// A saved llama adapter on q_proj and k_proj, rank 4 (k_proj's shape depends on the key/value head count).
std::filesystem::path savedLlamaAdapter(const QTemporaryDir& tmp)
{
    auto model = Model::load(fixtureModel("llama"));
    auto adapter = Adapter::create(*model, loraConfig({"q_proj", "k_proj"}, 4), 7);
    const auto dir = tempPath(tmp, "llama_adapter");
    adapter->save(dir);
    return dir;
}

void editJson(const std::filesystem::path& file, const std::string& key, int value)
{
    std::ifstream in(file);
    auto j = nlohmann::json::parse(in);
    in.close();
    j[key] = value;
    std::ofstream(file) << j.dump(2);
}

}  // namespace

class TestAdapterErrors final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wrongRankNamesTensorAndShapes()
    {
        QTemporaryDir tmp;
        const auto dir = savedLlamaAdapter(tmp);
        editJson(dir / "adapter_config.json", "r", 8);
        auto model = Model::load(fixtureModel("llama"));
        const auto msg = errorOf([&] { Adapter::load(*model, dir); });
        QVERIFY2(contains(msg, "adapter_model.safetensors"), msg.c_str());
        QVERIFY2(contains(msg, "'model.layers.0.self_attn.q_proj.lora_A.weight'"), msg.c_str());
        QVERIFY2(contains(msg, "[4, 64]") && contains(msg, "[8, 64]"), msg.c_str());
    }

    void otherBaseSameNamesNamesTensorAndShapes()
    {
        // llama and llama_tied share module names but not every projection shape (key/value heads, head size):
        // the error names the first LoRA tensor whose shape differs, with both shapes.
        QTemporaryDir tmp;
        const auto dir = savedLlamaAdapter(tmp);
        auto llama = Model::load(fixtureModel("llama"));
        auto other = Model::load(fixtureModel("llama_tied"));
        const auto mine = Adapter::create(*llama, loraConfig({"q_proj", "k_proj"}, 4), 1)->targets();
        const auto theirs = Adapter::create(*other, loraConfig({"q_proj", "k_proj"}, 4), 1)->targets();
        std::string expected;
        for (size_t i = 0; i < mine.size() && expected.empty(); ++i) {
            QVERIFY(mine[i].inFeatures == theirs[i].inFeatures);  // so lora_A fits and lora_B is the first misfit
            if (mine[i].outFeatures != theirs[i].outFeatures)
                expected = "'" + mine[i].name + ".lora_B.weight' has shape [" + std::to_string(mine[i].outFeatures) +
                           ", 4] but the base model and rank 4 need [" + std::to_string(theirs[i].outFeatures) + ", 4]";
        }
        QVERIFY2(!expected.empty(), "the two fixtures no longer differ in a targeted shape");
        const auto msg = errorOf([&] { Adapter::load(*other, dir); });
        QVERIFY2(contains(msg, "adapter_model.safetensors"), msg.c_str());
        QVERIFY2(contains(msg, expected), (msg + "\nexpected: " + expected).c_str());
    }

    void otherArchitectureNamesConfig()
    {
        QTemporaryDir tmp;
        auto gpt2 = Model::load(fixtureModel("gpt2"));
        const auto dir = tempPath(tmp, "gpt2_adapter");
        Adapter::create(*gpt2, loraConfig({"c_attn"}), 1)->save(dir);
        auto llama = Model::load(fixtureModel("llama"));
        const auto msg = errorOf([&] { Adapter::load(*llama, dir); });
        QVERIFY2(contains(msg, "adapter_config.json") && contains(msg, "does not fit"), msg.c_str());
        QVERIFY2(contains(msg, "c_attn"), msg.c_str());
    }

    void missingFiles()
    {
        QTemporaryDir tmp;
        auto model = Model::load(fixtureModel("llama"));
        const auto dir = savedLlamaAdapter(tmp);

        std::string msg = errorOf([&] { Adapter::load(*model, tempPath(tmp, "nowhere")); });
        QVERIFY2(contains(msg, "nowhere") && contains(msg, "not found"), msg.c_str());

        std::filesystem::rename(dir / "adapter_model.safetensors", tempPath(tmp, "weights.safetensors"));
        msg = errorOf([&] { Adapter::load(*model, dir); });
        QVERIFY2(contains(msg, "adapter_model.safetensors") && contains(msg, "missing"), msg.c_str());

        std::filesystem::rename(tempPath(tmp, "weights.safetensors"), dir / "adapter_model.safetensors");
        std::filesystem::remove(dir / "adapter_config.json");
        msg = errorOf([&] { Adapter::load(*model, dir); });
        QVERIFY2(contains(msg, "adapter_config.json") && contains(msg, "missing"), msg.c_str());
    }

    void pickleRefused()
    {
        QTemporaryDir tmp;
        const auto dir = savedLlamaAdapter(tmp);
        std::filesystem::rename(dir / "adapter_model.safetensors", dir / "adapter_model.bin");
        auto model = Model::load(fixtureModel("llama"));
        const auto msg = errorOf([&] { Adapter::load(*model, dir); });
        QVERIFY2(contains(msg, "adapter_model.bin") && contains(msg, "pickle"), msg.c_str());
    }

    void extraTensorsListed()
    {
        QTemporaryDir tmp;
        const auto dir = savedLlamaAdapter(tmp);
        auto tensors = readAllTensors(dir / "adapter_model.safetensors");
        tensors["base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"] = torch::zeros({4, 64});
        tensors["base_model.model.model.layers.0.self_attn.q_proj.lora_B.bias"] = torch::zeros({64});
        writeTensors(dir / "adapter_model.safetensors", {tensors.begin(), tensors.end()});
        auto model = Model::load(fixtureModel("llama"));
        const auto msg = errorOf([&] { Adapter::load(*model, dir); });
        QVERIFY2(contains(msg, "adapter_model.safetensors") && contains(msg, "2 tensor(s)"), msg.c_str());
        QVERIFY2(contains(msg, "model.layers.0.mlp.up_proj.lora_A.weight"), msg.c_str());
        QVERIFY2(contains(msg, "model.layers.0.self_attn.q_proj.lora_B.bias"), msg.c_str());
    }

    void missingHeadTensor()
    {
        QTemporaryDir tmp;
        auto bert = Model::load(fixtureModel("bert"));
        auto config = loraConfig({"query"});
        config.taskType = "SEQ_CLS";
        const auto dir = tempPath(tmp, "bert_adapter");
        Adapter::create(*bert, config, 3)->save(dir);
        auto tensors = readAllTensors(dir / "adapter_model.safetensors");
        QVERIFY(tensors.erase("base_model.model.classifier.bias") == 1);
        writeTensors(dir / "adapter_model.safetensors", {tensors.begin(), tensors.end()});
        const auto msg = errorOf([&] { Adapter::load(*bert, dir); });
        QVERIFY2(contains(msg, "missing tensor 'classifier.bias'"), msg.c_str());
    }

    void adapterOfAnotherLoadedModelRefused()
    {
        auto a = Model::load(fixtureModel("llama"));
        auto b = Model::load(fixtureModel("llama"));
        auto adapter = Adapter::create(*a, loraConfig({"q_proj"}), 1);
        const auto msg = errorOf([&] { b->setAdapter(adapter); });
        QVERIFY2(contains(msg, "another loaded model"), msg.c_str());
    }
};

QTEST_GUILESS_MAIN(TestAdapterErrors)
#include "test_adapter_errors.moc"
