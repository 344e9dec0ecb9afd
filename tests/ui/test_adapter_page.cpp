// The Adapter page against core's own arithmetic: whatever the grid, presets, rank or regex say, the numbers
// shown must be exactly selectTargets + computeBudget of the config the page hands to the trainer.
#include "adapter/adapter_page.h"
#include "adapter/factorization_view.h"
#include "adapter/layer_budget_chart.h"
#include "adapter/target_grid.h"
#include "data/message_banner.h"

#include "lora/lora_targets.h"
#include "lora/model.h"

#include <QAbstractItemDelegate>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyleOptionViewItem>
#include <QtTest>

namespace {

const std::string kModels = LORA_FIXTURES_DIR "/models";

QString count(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

lora::ParameterBudget expectedBudget(const lora::ModelDescription& d, const lora::LoraConfig& c)
{
    return lora::computeBudget(d, lora::selectTargets(d, c), c);
}

lora::LoraConfig listConfig(std::vector<std::string> modules, int r = 8)
{
    lora::LoraConfig c;
    c.targetModules = std::move(modules);
    c.r = r;
    return c;
}

}  // namespace

class TestAdapterPage final : public QObject {
    Q_OBJECT

    std::shared_ptr<lora::Model> llama_;
    std::shared_ptr<lora::Model> gpt2_;

    static QString shown(const AdapterPage& page, const char* name)
    {
        auto* label = page.findChild<QLabel*>(name);
        return label ? label->text() : QStringLiteral("<no label %1>").arg(name);
    }

    // The chart's per-layer bars equal the budget's perLayer, one bar per block.
    static void verifyChart(const AdapterPage& page, const lora::ModelDescription& d, const lora::ParameterBudget& b)
    {
        auto* bars = page.chart()->layerBars();
        QCOMPARE(bars->data()->size(), d.numLayers);
        for (int layer = 0; layer < d.numLayers; ++layer) {
            const auto it = b.perLayer.find(layer);
            const auto point = bars->data()->at(layer);
            QCOMPARE(point->key, double(layer));
            QCOMPARE(point->value, double(it == b.perLayer.end() ? 0 : it->second));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        llama_ = lora::Model::load(kModels + "/llama");
        gpt2_ = lora::Model::load(kModels + "/gpt2");
        QVERIFY(llama_->description().numLayers >= 2);
    }

    void gridHasLayersAndKinds()
    {
        AdapterPage page;
        const auto& d = llama_->description();
        page.setModelDescription(d);
        auto* grid = page.grid();
        const QStringList kinds = grid->columnKinds();
        for (const char* k : {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                              "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"})
            QVERIFY2(kinds.contains(k), k);
        QCOMPARE(kinds.size(), 7);
        QCOMPARE(grid->blockRows(), d.numLayers);
        QCOMPARE(grid->rowCount(), d.numLayers + 1);  // + lm_head, outside the blocks
        QVERIFY(grid->itemForModule("lm_head"));
        QCOMPARE(grid->item(1, int(kinds.indexOf("mlp.up_proj")))->data(TargetGrid::NameRole).toString(),
                 QString("model.layers.1.mlp.up_proj"));
    }

    void queryValuePresetMatchesCore()
    {
        AdapterPage page;
        const auto& d = llama_->description();
        QSignalSpy changed(&page, &AdapterPage::configChanged);
        page.setModelDescription(d);
        page.choosePreset(TargetPreset::QueryValue);
        QVERIFY(changed.count() > 0);

        const auto expected = expectedBudget(d, listConfig({"q_proj", "v_proj"}));
        QCOMPARE(page.budget().trainable, expected.trainable);
        QCOMPARE(shown(page, "trainableValue"), count(expected.trainable));
        verifyChart(page, d, expected);
        QCOMPARE(page.chart()->outsideBars()->data()->size(), 0);

        // The config names exactly the ticked modules, in full, and no layer filter.
        const auto config = page.currentConfig();
        QVERIFY(!config.targetRegex);
        QCOMPARE(int(config.targetModules.size()), 2 * d.numLayers);
        for (const auto& name : config.targetModules)
            QVERIFY2(name.starts_with("model.layers.") && (name.ends_with(".q_proj") || name.ends_with(".v_proj")),
                     name.c_str());
        QVERIFY(config.layersToTransform.empty());

        // Changing the rank (as a user would, in its spin box) updates every figure.
        changed.clear();
        page.findChild<QSpinBox*>("rankSpin")->setValue(16);
        QVERIFY(changed.count() > 0);
        const auto at16 = expectedBudget(d, listConfig({"q_proj", "v_proj"}, 16));
        QCOMPARE(at16.trainable, 2 * expected.trainable);
        QCOMPARE(shown(page, "trainableValue"), count(at16.trainable));
        verifyChart(page, d, at16);
        QCOMPARE(page.currentConfig().r, 16);
    }

    void allLinearPresetMatchesCore()
    {
        AdapterPage page;
        const auto& d = llama_->description();
        page.setModelDescription(d);
        page.choosePreset(TargetPreset::AllLinear);
        lora::LoraConfig c;
        c.targetRegex = "all-linear";
        const auto expected = expectedBudget(d, c);
        QCOMPARE(shown(page, "trainableValue"), count(expected.trainable));
        verifyChart(page, d, expected);
        QCOMPARE(int(page.currentConfig().targetModules.size()), 7 * d.numLayers);  // lm_head left out
        // The percentage is PEFT's trainable%.
        const double pct = expected.trainablePercent;
        QCOMPARE(shown(page, "percentValue"), QLocale().toString(pct, 'f', pct < 1 ? 3 : 2) + " %");
        QCOMPARE(shown(page, "adapterSizeValue"),
                 QLocale().formattedDataSize(expected.adapterBytes, expected.adapterBytes < (1 << 20) ? 1 : 2,
                                             QLocale::DataSizeTraditionalFormat));
    }

    void lastLayersAndMlpPresets()
    {
        AdapterPage page;
        const auto& d = llama_->description();
        page.setModelDescription(d);
        page.choosePreset(TargetPreset::Mlp);
        auto c = listConfig({"gate_proj", "up_proj", "down_proj"});
        QCOMPARE(page.budget().trainable, expectedBudget(d, c).trainable);
        page.setLastLayers(1);
        c.layersToTransform = {d.numLayers - 1};
        const auto expected = expectedBudget(d, c);
        QCOMPARE(shown(page, "trainableValue"), count(expected.trainable));
        QCOMPARE(page.chart()->layerBars()->data()->at(0)->value, 0.0);
        verifyChart(page, d, expected);
    }

    void regexErrorIsInlineAndRecoverable()
    {
        AdapterPage page;
        const auto& d = llama_->description();
        page.setModelDescription(d);
        page.choosePreset(TargetPreset::QueryValue);
        auto* banner = page.findChild<MessageBanner*>("messageLabel");
        auto* regex = page.findChild<QLineEdit*>("regexEdit");
        QVERIFY(!banner->isError());

        regex->setText("nothing_is_called_this");
        QVERIFY(banner->isError());
        QVERIFY2(banner->text().contains("match no module"), qPrintable(banner->text()));
        QVERIFY(!page.hasValidTargets());
        QCOMPARE(shown(page, "trainableValue"), QString("—"));
        QCOMPARE(page.currentConfig().targetRegex.value_or(""), std::string("nothing_is_called_this"));

        regex->setText("model\\.layers\\.(");  // not even a regex
        QVERIFY(banner->isError());
        QVERIFY2(banner->text().contains("invalid regular expression"), qPrintable(banner->text()));

        // Fixed: the regex decides, and matches core's answer for it.
        regex->setText(".*\\.(q|v)_proj");
        QVERIFY(!banner->isError());
        lora::LoraConfig byRegex;
        byRegex.targetRegex = ".*\\.(q|v)_proj";
        QCOMPARE(shown(page, "trainableValue"), count(expectedBudget(d, byRegex).trainable));
        QVERIFY(!page.grid()->ticksEnabled());

        // Cleared: the grid is in charge again, and still usable.
        regex->clear();
        QVERIFY(page.grid()->ticksEnabled());
        QVERIFY(!page.currentConfig().targetRegex);
        page.choosePreset(TargetPreset::Attention);
        QCOMPARE(page.budget().trainable,
                 expectedBudget(d, listConfig({"q_proj", "k_proj", "v_proj", "o_proj"})).trainable);
        QVERIFY(!banner->isError());
    }

    void nothingTickedIsAnInlineError()
    {
        AdapterPage page;
        page.setModelDescription(llama_->description());
        page.choosePreset(TargetPreset::QueryValue);
        page.grid()->setTicked({});
        QCOMPARE(page.preset(), TargetPreset::Custom);
        auto* banner = page.findChild<MessageBanner*>("messageLabel");
        QVERIFY(banner->isError());
        QVERIFY(banner->text().contains("Nothing is selected"));
        page.grid()->setTicked({"model.layers.0.self_attn.o_proj"});
        QVERIFY(!banner->isError());
        QCOMPARE(page.budget().trainable, int64_t(8 * (64 + 64)));
    }

    void perCellRankOverride()
    {
        AdapterPage page;
        const auto& d = llama_->description();
        page.setModelDescription(d);
        page.choosePreset(TargetPreset::QueryValue);
        const int64_t before = page.budget().trainable;

        // Commit r = 32 for one cell through the grid's own editor, as a double-click edit does.
        const QString name = "model.layers.0.self_attn.q_proj";
        auto* grid = page.grid();
        const QModelIndex index = grid->indexFromItem(grid->itemForModule(name));
        QStyleOptionViewItem option;
        std::unique_ptr<QWidget> editor(grid->itemDelegate()->createEditor(grid->viewport(), option, index));
        auto* spin = qobject_cast<QSpinBox*>(editor.get());
        QVERIFY(spin);
        spin->setValue(32);
        grid->itemDelegate()->setModelData(editor.get(), grid->model(), index);

        // q_proj is 64 -> 64: r·(in + out) grows by (32 - 8)·128.
        QCOMPARE(page.budget().trainable, before + (32 - 8) * (64 + 64));
        QCOMPARE(shown(page, "trainableValue"), count(before + 24 * 128));
        const auto config = page.currentConfig();
        QCOMPARE(int(config.rankPattern.size()), 1);
        QCOMPARE(config.rankPattern[0].first, std::string("^model\\.layers\\.0\\.self_attn\\.q_proj"));
        QCOMPARE(config.rankFor("model.layers.0.self_attn.q_proj"), 32);
        QCOMPARE(config.rankFor("model.layers.1.self_attn.q_proj"), 8);  // anchored: no other layer
        QCOMPARE(expectedBudget(d, config).trainable, page.budget().trainable);
        QVERIFY(grid->itemForModule(name)->text().contains("32"));

        grid->setRankOverride(name.toStdString(), 0);  // back to the default
        QCOMPARE(page.budget().trainable, before);
        QVERIFY(page.currentConfig().rankPattern.empty());
    }

    void factorizationShowsSelectedCell()
    {
        AdapterPage page;
        page.setModelDescription(llama_->description());
        page.choosePreset(TargetPreset::AllLinear);
        page.setRank(4);
        auto* view = page.factorizationView();

        // up_proj maps 64 inputs to 96 outputs: W is d × k = 96 × 64.
        QVERIFY(page.grid()->selectModule("model.layers.1.mlp.up_proj"));
        QVERIFY(view->hasModule());
        QCOMPARE(view->module().name, QString("model.layers.1.mlp.up_proj"));
        QCOMPARE(view->module().d, int64_t(96));
        QCOMPARE(view->module().k, int64_t(64));
        QCOMPARE(view->module().r, 4);
        QVERIFY(view->module().adapted);
        QCOMPARE(view->fullParameters(), int64_t(96 * 64));
        QCOMPARE(view->loraParameters(), int64_t((96 + 64) * 4));
        const QString text = view->explanation().join(' ');
        QVERIFY2(text.contains("96 × 64") && text.contains(count(6144)) && text.contains(count(640)), qPrintable(text));
        QVERIFY(text.contains(QLocale().toString(9.6, 'f', 1) + "×"));

        // k_proj (grouped-query attention): 64 -> 32, so d = 32 and k = 64.
        page.grid()->setRankOverride("model.layers.0.self_attn.k_proj", 2);
        QVERIFY(page.grid()->selectModule("model.layers.0.self_attn.k_proj"));
        QCOMPARE(view->module().d, int64_t(32));
        QCOMPARE(view->module().k, int64_t(64));
        QCOMPARE(view->module().r, 2);

        view->resize(640, 320);
        QImage image(view->size(), QImage::Format_ARGB32);
        view->render(&image);  // paints without asserting; the numbers above are what it draws
    }

    void conv1dIsShownOutTimesIn()
    {
        // GPT-2 stores Conv1D weights [in, out]; W is still drawn d (out) × k (in).
        AdapterPage page;
        const auto& d = gpt2_->description();
        page.setModelDescription(d);
        page.choosePreset(TargetPreset::QueryValue);  // GPT-2: the fused c_attn
        QCOMPARE(page.budget().trainable, expectedBudget(d, listConfig({"c_attn"})).trainable);
        QVERIFY(page.grid()->selectModule("transformer.h.0.attn.c_attn"));
        QCOMPARE(page.factorizationView()->module().d, int64_t(3 * d.hiddenSize));
        QCOMPARE(page.factorizationView()->module().k, int64_t(d.hiddenSize));
        QVERIFY(page.grid()->columnKinds().contains("mlp.c_fc"));
    }
};

QTEST_MAIN(TestAdapterPage)
#include "test_adapter_page.moc"
