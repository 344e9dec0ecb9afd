// Adapter switching on the bundled model: the ship_logs and moods adapters that the default runs trained
// (tests bundled.style_shift and bundled.moods_exact_match, CTest fixtures) are loaded onto ONE loaded base
// and switched in and out without reloading it. Each behaves as trained; with no adapter the base model's loss
// on its own corpus is bitwise what it was, and so is every base weight.
#include "bundled_support.h"

#include "engine/model_impl.h"
#include "lora/adapter.h"
#include "lora/device.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

#include <numeric>

using namespace lora;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = LORA_SOURCE_DIR;
const fs::path kModel = kSource / "resources" / "models" / "studio-llama-2m";
const fs::path kRuns = LORA_BUNDLED_OUT;  // where the default runs wrote run.json, the adapter and metrics.jsonl

nlohmann::json readJson(const fs::path& file)
{
    std::ifstream in(file);
    if (!in)
        throwFileError(file, "cannot be read (run the bundled.style_shift / bundled.moods_exact_match tests first)");
    return nlohmann::json::parse(in);
}

// The validation loss the trainer reported at its last step.
double trainerFinalValLoss(const fs::path& metrics)
{
    std::ifstream in(metrics);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty())
            last = line;
    const auto j = nlohmann::json::parse(last);
    if (j["val_loss"].is_null())
        throwFileError(metrics, "the last step has no validation loss");
    return j["val_loss"].get<double>();
}

std::vector<std::pair<std::string, torch::Tensor>> baseWeights(const Model& model)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : model.impl().network->named_parameters(true))
        out.emplace_back(p.key(), p.value().detach().clone());
    return out;
}

QString text(double v) { return QString::number(v, 'g', 17); }

}  // namespace

class TestAdapterSwitching final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoAdaptersOneBase()
    {
        setComputeThreads(1);  // as lora-bundled-eval measures; CTest runs tests side by side
        const auto defaults = readJson(kModel / "lora_defaults.json");
        const auto model = Model::load(kModel);  // loaded once for the whole test
        const auto tokenizer = Tokenizer::fromFile(kModel / "tokenizer.json");

        // The base model's own corpus: its validation stories, packed as it was pretrained.
        DatasetOptions storyOptions;
        storyOptions.format = DatasetFormat::Text;
        storyOptions.textDocuments = TextDocuments::BlankLines;
        storyOptions.blockSize = defaults.at("block_size").get<int32_t>();
        const Dataset stories = loadDataset(kSource / "datasets" / "stories" / "validation.txt", *tokenizer, storyOptions);
        std::vector<size_t> allStories(stories.examples.size());
        std::iota(allStories.begin(), allStories.end(), size_t{0});
        const auto storyLoss = [&] { return bundled::exampleLoss(*model, stories.examples, allStories).loss; };

        const auto ship = bundled::loadRunData(kRuns / "ship_logs" / "run.json", false);
        const auto moods = bundled::loadRunData(kRuns / "moods" / "run.json", false);
        QVERIFY(fs::equivalent(ship.config.modelDir, kModel));  // the runs trained on this very model folder
        QVERIFY(fs::equivalent(moods.config.modelDir, kModel));
        const auto shipLoss = [&] { return bundled::exampleLoss(*model, ship.dataset.examples, ship.indices).loss; };
        const auto moodsLoss = [&] { return bundled::exampleLoss(*model, moods.dataset.examples, moods.indices).loss; };
        const auto heldout = kSource / "datasets" / "moods" / "heldout.jsonl";
        const size_t answers = 20;  // held-out stories asked at each switch (bundled.moods_exact_match asks all)

        // 1. The base alone.
        const auto weightsBefore = baseWeights(*model);
        const double storiesBase = storyLoss();
        const double shipBase = shipLoss();
        const double moodsBase = moodsLoss();
        const double matchBase = bundled::exactMatch(*model, *tokenizer, heldout, answers).rate;
        qInfo("base: stories %.6f  ship_logs val %.6f  moods val %.6f  moods exact match %.3f", storiesBase, shipBase,
              moodsBase, matchBase);

        // 2. Both adapters are loaded onto the same base object.
        const auto shipAdapter = Adapter::load(*model, kRuns / "ship_logs" / "adapter");
        const auto moodsAdapter = Adapter::load(*model, kRuns / "moods" / "adapter");
        QVERIFY(!shipAdapter->modifiesBase());
        QVERIFY(!moodsAdapter->modifiesBase());

        // 3. ship_logs adapter: the validation loss the trainer reported, far below the base's.
        model->setAdapter(shipAdapter);
        const double shipTuned = shipLoss();
        const double shipTrainer = trainerFinalValLoss(kRuns / "ship_logs" / "adapter" / "metrics.jsonl");
        qInfo("ship_logs adapter: ship_logs val %.6f (trainer said %.6f)  stories %.6f", shipTuned, shipTrainer,
              storyLoss());
        QVERIFY2(std::abs(shipTuned - shipTrainer) <= 1e-4 * shipTrainer, qPrintable(text(shipTuned) + " vs " + text(shipTrainer)));
        QVERIFY2(shipTuned <= shipBase * 2.0 / 3.0, qPrintable(text(shipTuned) + " vs base " + text(shipBase)));

        // 4. Switch to the moods adapter: answers as trained; the ship adapter's effect is gone.
        model->setAdapter(moodsAdapter);
        const double moodsTuned = moodsLoss();
        const double moodsTrainer = trainerFinalValLoss(kRuns / "moods" / "adapter" / "metrics.jsonl");
        const auto match = bundled::exactMatch(*model, *tokenizer, heldout, answers);
        const double shipUnderMoods = shipLoss();
        qInfo("moods adapter: moods val %.6f (trainer said %.6f)  exact match %.3f  ship_logs val %.6f", moodsTuned,
              moodsTrainer, match.rate, shipUnderMoods);
        QVERIFY2(std::abs(moodsTuned - moodsTrainer) <= 1e-4 * moodsTrainer, qPrintable(text(moodsTuned) + " vs " + text(moodsTrainer)));
        QVERIFY2(match.rate >= 0.9, qPrintable(QString("exact match %1").arg(match.rate)));
        QVERIFY2(match.rate >= matchBase + 0.5, qPrintable(QString("exact match %1, base %2").arg(match.rate).arg(matchBase)));
        QVERIFY2(shipUnderMoods > shipTuned * 1.5, qPrintable(text(shipUnderMoods) + " vs " + text(shipTuned)));

        // 5. Back to the ship adapter: bitwise the same loss as the first time.
        model->setAdapter(shipAdapter);
        QCOMPARE(text(shipLoss()), text(shipTuned));

        // 6. No adapter: the base model exactly as it was, loss and every weight.
        model->setAdapter(nullptr);
        QCOMPARE(text(storyLoss()), text(storiesBase));
        QCOMPARE(text(shipLoss()), text(shipBase));
        QCOMPARE(bundled::exactMatch(*model, *tokenizer, heldout, answers).rate, matchBase);
        const auto weightsAfter = baseWeights(*model);
        QCOMPARE(weightsAfter.size(), weightsBefore.size());
        for (size_t i = 0; i < weightsBefore.size(); ++i) {
            QCOMPARE(weightsAfter[i].first, weightsBefore[i].first);
            QVERIFY2(torch::equal(weightsAfter[i].second, weightsBefore[i].second), weightsBefore[i].first.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestAdapterSwitching)
#include "test_adapter_switching.moc"
