// Full fine-tuning (the baseline LoRA is compared against): every base parameter trains, and the result is a
// Hugging Face model folder that Model::load reads back, with a tied embedding saved once.
#include "engine/tensor_io.h"
#include "lora/model.h"
#include "lora/training.h"
#include "train_test_support.h"

#include <torch/torch.h>

using namespace lora;

class TestFullFinetune final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void trainsBaseAndSavesLoadableModel()
    {
        QTemporaryDir tmp;
        const auto root = test::tempPath(tmp);
        auto config = test::smallRun(test::writeTextRows(root, 12), root / "full");
        config.mode = TrainingMode::Full;
        config.maxSteps = 3;
        config.learningRate = 1e-3;
        const auto result = runTraining(config);
        QVERIFY2(result.status == TrainingStatus::Completed, result.error.c_str());
        QVERIFY(std::filesystem::exists(result.adapterDir / "model.safetensors"));
        QVERIFY(std::filesystem::exists(result.adapterDir / "config.json"));
        QVERIFY(std::filesystem::exists(result.adapterDir / "tokenizer.json"));
        QVERIFY(!std::filesystem::exists(result.adapterDir / "adapter_config.json"));

        const auto before = readAllTensors(test::fixtureModel("gpt2_train") / "model.safetensors");
        const auto after = readAllTensors(result.adapterDir / "model.safetensors");
        // GPT-2 ties lm_head to wte: one tensor, saved under the embedding's name as transformers does.
        QVERIFY(after.count("transformer.wte.weight"));
        QVERIFY(!after.count("lm_head.weight"));
        int changed = 0;
        for (const auto& [name, t] : after) {
            QVERIFY2(torch::isfinite(t).all().item<bool>(), name.c_str());
            const auto it = before.find(name);
            if (it != before.end() && !torch::equal(it->second, t))
                ++changed;
        }
        // Every weight matrix, norm and bias gets a gradient here; all of them move.
        QVERIFY2(changed >= static_cast<int>(after.size()) - 1,
                 qPrintable(QString("%1 of %2 tensors changed").arg(changed).arg(after.size())));

        const auto original = Model::load(test::fixtureModel("gpt2_train"));
        const auto tuned = Model::load(result.adapterDir);
        QCOMPARE(tuned->description().totalParameters, original->description().totalParameters);
        const std::vector<int64_t> ids = {5, 17, 42, 99};
        const auto a = original->logits(ids);
        const auto b = tuned->logits(ids);
        QCOMPARE(a.shape, b.shape);
        double diff = 0;
        for (size_t i = 0; i < a.values.size(); ++i)
            diff = std::max(diff, static_cast<double>(std::abs(a.values[i] - b.values[i])));
        QVERIFY2(diff > 1e-4, "the saved model computes what the base did: nothing was trained");
    }
};

QTEST_GUILESS_MAIN(TestFullFinetune)
#include "test_full_finetune.moc"
