#include "adapter/adapter_page.h"
#include "plural.h"

#include "adapter/factorization_view.h"
#include "adapter/layer_budget_chart.h"
#include "adapter/lora_glossary.h"
#include "adapter/memory_estimate.h"
#include "adapter/target_grid.h"
#include "adapter/target_mapping.h"
#include "data/message_banner.h"
#include "data/stat_tile.h"
#include "settings_column.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

QString count(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }
QString bytes(int64_t n) { return QLocale().formattedDataSize(n, n < (int64_t(1) << 20) ? 1 : 2, QLocale::DataSizeTraditionalFormat); }

QString breakdown(const MemoryEstimate& m)
{
    return QObject::tr("weights %1 + gradients %2 + AdamW states %3 + activations %4")
        .arg(bytes(m.weights), bytes(m.gradients), bytes(m.optimizer), bytes(m.activations));
}

}  // namespace

AdapterPage::AdapterPage(QWidget* parent)
    : QWidget(parent),
      banner_(new MessageBanner),
      grid_(new TargetGrid),
      trainable_(new QLabel),
      percent_(new QLabel),
      adapterSize_(new QLabel),
      loraMemory_(new QLabel),
      fullMemory_(new QLabel),
      chart_(new LayerBudgetChart),
      view_(new FactorizationView)
{
    banner_->setObjectName("messageLabel");
    grid_->setObjectName("targetGrid");
    trainable_->setObjectName("trainableValue");
    percent_->setObjectName("percentValue");
    adapterSize_->setObjectName("adapterSizeValue");
    loraMemory_->setObjectName("loraMemoryValue");
    fullMemory_->setObjectName("fullMemoryValue");
    chart_->setObjectName("layerChart");
    view_->setObjectName("factorizationView");

    auto* gridHint = new QLabel(tr("Tick the modules to adapt. Click a cell to see its matrices below; double-click "
                                   "or right-click it to give it its own rank. Header clicks tick whole columns or rows."));
    gridHint->setWordWrap(true);
    gridHint->setForegroundRole(QPalette::PlaceholderText);

    auto* upper = new QWidget;
    auto* upperLayout = new QVBoxLayout(upper);
    upperLayout->setContentsMargins(0, 0, 0, 0);
    upperLayout->setSizeConstraint(QLayout::SetMinAndMaxSize);  // the splitter then honours the grid's cap
    upperLayout->addWidget(banner_);
    upperLayout->addWidget(gridHint);
    upperLayout->addWidget(grid_, 1);
    auto* strip = buildBudgetStrip();
    upperLayout->addWidget(strip);
    // Only the grid may grow: when it is capped to a small model's few rows, the splitter hands the spare height
    // to the chart and the W → B·A picture rather than to blank space around the labels.
    for (QWidget* w : {static_cast<QWidget*>(banner_), static_cast<QWidget*>(gridHint), strip})
        w->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(chart_);
    lower->addWidget(view_);
    lower->setStretchFactor(0, 2);
    lower->setStretchFactor(1, 3);
    lower->setSizes({360, 640});  // the chart needs room for its axis titles

    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(upper);
    right->addWidget(lower);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    right->setChildrenCollapsible(false);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(buildControls());
    layout->addWidget(right, 1);

    connect(grid_, &TargetGrid::targetsEdited, this, &AdapterPage::onGridEdited);
    connect(grid_, &TargetGrid::currentModuleChanged, this, &AdapterPage::updateFactorization);
    recompute();
}

QWidget* AdapterPage::buildControls()
{
    preset_ = new QComboBox;
    preset_->setObjectName("presetCombo");
    preset_->addItem(tr("q + v (the LoRA paper)"), presetId(TargetPreset::QueryValue));
    preset_->addItem(tr("Attention: all projections"), presetId(TargetPreset::Attention));
    preset_->addItem(tr("MLP (feed-forward)"), presetId(TargetPreset::Mlp));
    preset_->addItem(tr("All linear layers"), presetId(TargetPreset::AllLinear));
    preset_->addItem(tr("Custom (as ticked)"), presetId(TargetPreset::Custom));
    preset_->setToolTip(glossary::targetModules() +
                        tr("<br><br><b>Presets</b>: q + v is the paper's choice (GPT-2 fuses q, k and v into "
                           "c_attn, so it is that); attention and MLP are the two halves of a block; all linear is "
                           "PEFT's all-linear, every linear layer except the output head."));
    lastLayersCheck_ = new QCheckBox(tr("Only the last"));
    lastLayersCheck_->setObjectName("lastLayersCheck");
    lastLayers_ = new QSpinBox;
    lastLayers_->setObjectName("lastLayersSpin");
    lastLayers_->setRange(1, 1);
    lastLayers_->setSuffix(tr(" layers"));
    lastLayers_->setEnabled(false);
    for (QWidget* w : {static_cast<QWidget*>(lastLayersCheck_), static_cast<QWidget*>(lastLayers_)})
        w->setToolTip(glossary::layers());
    auto* lastRow = new QHBoxLayout;
    lastRow->addWidget(lastLayersCheck_);
    lastRow->addWidget(lastLayers_, 1);
    regex_ = new QLineEdit;
    regex_->setObjectName("regexEdit");
    regex_->setPlaceholderText(tr("e.g. .*\\.(q|v)_proj"));
    regex_->setClearButtonEnabled(true);
    regex_->setToolTip(glossary::regex());

    auto* targets = new QGroupBox(tr("Which modules"));
    auto* targetForm = new QFormLayout(targets);
    targetForm->addRow(tr("Preset:"), preset_);
    targetForm->addRow(lastRow);
    targetForm->addRow(tr("Regex:"), regex_);

    const lora::LoraConfig defaults;
    rank_ = new QSpinBox;
    rank_->setObjectName("rankSpin");
    rank_->setRange(1, 1024);
    rank_->setValue(defaults.r);
    rank_->setToolTip(glossary::rank());
    alpha_ = new QDoubleSpinBox;
    alpha_->setObjectName("alphaSpin");
    alpha_->setRange(0.01, 4096);
    alpha_->setDecimals(2);
    alpha_->setValue(defaults.alpha);
    alpha_->setToolTip(glossary::alpha());
    scaling_ = new QLabel;
    scaling_->setObjectName("scalingValue");
    scaling_->setToolTip(glossary::scaling());
    dropout_ = new QDoubleSpinBox;
    dropout_->setObjectName("dropoutSpin");
    dropout_->setRange(0, 0.9);
    dropout_->setSingleStep(0.05);
    dropout_->setValue(defaults.dropout);
    dropout_->setToolTip(glossary::dropout());
    rslora_ = new QCheckBox(tr("rsLoRA: scale by α/√r"));
    rslora_->setObjectName("rsloraCheck");
    rslora_->setToolTip(glossary::rslora());
    dora_ = new QCheckBox(tr("DoRA: train magnitudes too"));
    dora_->setObjectName("doraCheck");
    dora_->setToolTip(glossary::dora());
    init_ = new QComboBox;
    init_->setObjectName("initCombo");
    init_->addItem(tr("Default (A Kaiming, B zero)"), int(lora::LoraInit::Default));
    init_->addItem(tr("Gaussian (A normal, B zero)"), int(lora::LoraInit::Gaussian));
    init_->setToolTip(glossary::init());

    auto* hyper = new QGroupBox(tr("LoRA hyper-parameters"));
    auto* hyperForm = new QFormLayout(hyper);
    auto addRow = [](QFormLayout* form, const QString& label, QWidget* field) {
        auto* l = new QLabel(label);
        l->setToolTip(field->toolTip());  // hovering the term explains it, not only the field
        form->addRow(l, field);
    };
    addRow(hyperForm, tr("Rank r:"), rank_);
    addRow(hyperForm, tr("Alpha α:"), alpha_);
    addRow(hyperForm, tr("Scaling:"), scaling_);
    addRow(hyperForm, tr("Dropout:"), dropout_);
    addRow(hyperForm, tr("Init:"), init_);
    hyperForm->addRow(rslora_);
    hyperForm->addRow(dora_);

    batch_ = new QSpinBox;
    batch_->setObjectName("batchSpin");
    batch_->setRange(1, 1024);
    batch_->setValue(8);
    sequence_ = new QSpinBox;
    sequence_->setObjectName("sequenceSpin");
    sequence_->setRange(2, 131072);
    sequence_->setValue(512);
    sequence_->setSingleStep(128);
    for (QWidget* w : {static_cast<QWidget*>(batch_), static_cast<QWidget*>(sequence_)})
        w->setToolTip(glossary::memory());
    auto* memory = new QGroupBox(tr("Memory estimate for"));
    auto* memoryForm = new QFormLayout(memory);
    addRow(memoryForm, tr("Batch size:"), batch_);
    addRow(memoryForm, tr("Sequence length:"), sequence_);

    auto* scroll = makeSettingsColumn({{targets}, {hyper}, {memory}});

    connect(preset_, &QComboBox::activated, this, &AdapterPage::applyPreset);
    connect(lastLayersCheck_, &QCheckBox::toggled, this, [this](bool on) {
        lastLayers_->setEnabled(on);
        applyPreset();
    });
    connect(lastLayers_, &QSpinBox::valueChanged, this, &AdapterPage::applyPreset);
    connect(regex_, &QLineEdit::textChanged, this, &AdapterPage::recompute);
    connect(rank_, &QSpinBox::valueChanged, this, &AdapterPage::recompute);
    connect(alpha_, &QDoubleSpinBox::valueChanged, this, &AdapterPage::recompute);
    connect(dropout_, &QDoubleSpinBox::valueChanged, this, &AdapterPage::recompute);
    connect(rslora_, &QCheckBox::toggled, this, &AdapterPage::recompute);
    connect(dora_, &QCheckBox::toggled, this, &AdapterPage::recompute);
    connect(init_, &QComboBox::currentIndexChanged, this, &AdapterPage::recompute);
    connect(batch_, &QSpinBox::valueChanged, this, &AdapterPage::showBudget);
    connect(sequence_, &QSpinBox::valueChanged, this, &AdapterPage::showBudget);
    return scroll;
}

QWidget* AdapterPage::buildBudgetStrip()
{
    auto* strip = new QWidget;
    auto* layout = new QHBoxLayout(strip);
    layout->setContentsMargins(0, 4, 0, 4);
    layout->addWidget(makeStatTile(tr("Trainable parameters"), trainable_, glossary::trainable()));
    layout->addWidget(makeStatTile(tr("Of all parameters"), percent_, glossary::trainable()));
    layout->addWidget(makeStatTile(tr("Adapter file"), adapterSize_, glossary::adapterSize()));
    layout->addWidget(makeStatTile(tr("Training memory, LoRA (estimate)"), loraMemory_, glossary::memory()));
    layout->addWidget(makeStatTile(tr("Full fine-tuning (estimate)"), fullMemory_, glossary::memory()));
    return strip;
}

void AdapterPage::setModelDescription(const lora::ModelDescription& model, const QString& baseModel)
{
    // Ticks and per-cell ranks carry over by name (reloading the same model keeps a custom choice).
    const auto oldTicked = grid_->tickedModules();
    const auto oldRanks = grid_->rankOverrides();
    model_ = model;
    baseModel_ = baseModel;
    applyingPreset_ = true;
    grid_->setModules(*model_);
    for (const auto& [name, r] : oldRanks)
        grid_->setRankOverride(name, r);
    lastLayers_->setRange(1, std::max(1, model_->numLayers));
    if (preset() == TargetPreset::Custom) {
        grid_->setTicked({oldTicked.begin(), oldTicked.end()});
        if (grid_->tickedModules().empty())
            preset_->setCurrentIndex(preset_->findData(presetId(TargetPreset::QueryValue)));
    }
    applyingPreset_ = false;
    if (preset() != TargetPreset::Custom)
        applyPreset();
    recompute();
    if (!targets_.empty())
        grid_->selectModule(QString::fromStdString(targets_.front().name));
}

void AdapterPage::clearModel()
{
    model_.reset();
    grid_->clearModules();
    recompute();
}

TargetPreset AdapterPage::preset() const { return presetFromId(preset_->currentData().toString()); }

void AdapterPage::choosePreset(TargetPreset preset)
{
    preset_->setCurrentIndex(preset_->findData(presetId(preset)));
    applyPreset();
}

void AdapterPage::setLastLayers(int count)
{
    if (count > 0)
        lastLayers_->setValue(count);
    lastLayersCheck_->setChecked(count > 0);  // toggled -> applyPreset
    applyPreset();
}

int AdapterPage::rank() const { return rank_->value(); }
void AdapterPage::setRank(int r) { rank_->setValue(r); }
double AdapterPage::alpha() const { return alpha_->value(); }
void AdapterPage::setAlpha(double alpha) { alpha_->setValue(alpha); }
double AdapterPage::dropout() const { return dropout_->value(); }
void AdapterPage::setDropout(double dropout) { dropout_->setValue(dropout); }
void AdapterPage::setRslora(bool on) { rslora_->setChecked(on); }
void AdapterPage::setDora(bool on) { dora_->setChecked(on); }

bool AdapterPage::setTargetModules(const QStringList& entries)
{
    if (!model_)
        return false;
    std::set<std::string> names;
    for (const auto& m : model_->modules) {
        if (m.type != "Linear" && m.type != "Conv1D")
            continue;
        for (const QString& entry : entries) {
            const std::string e = entry.toStdString();
            if (m.name == e || (m.name.size() > e.size() && m.name.compare(m.name.size() - e.size(), e.size(), e) == 0 &&
                                m.name[m.name.size() - e.size() - 1] == '.'))
                names.insert(m.name);
        }
    }
    if (names.empty())
        return false;
    regex_->clear();
    lastLayersCheck_->setChecked(false);
    for (TargetPreset p : {TargetPreset::QueryValue, TargetPreset::Attention, TargetPreset::Mlp, TargetPreset::AllLinear})
        if (presetModules(*model_, p) == names) {
            choosePreset(p);
            return true;
        }
    preset_->setCurrentIndex(preset_->findData(presetId(TargetPreset::Custom)));
    applyingPreset_ = true;
    grid_->setTicked(names);
    applyingPreset_ = false;
    recompute();
    return true;
}

void AdapterPage::setTargetRegex(const QString& regex) { regex_->setText(regex); }

void AdapterPage::applyPreset()
{
    if (!model_ || applyingPreset_)
        return;
    const int last = lastLayersCheck_->isChecked() ? lastLayers_->value() : 0;
    std::set<std::string> names;
    if (preset() == TargetPreset::Custom) {
        // "Only the last N layers" narrows a hand-made choice too.
        const auto ticked = grid_->tickedModules();
        const int first = model_->numLayers - last;
        for (const auto& n : ticked)
            if (last == 0 || lora::layerIndexOf(n) >= first)
                names.insert(n);
    } else {
        names = presetModules(*model_, preset(), last);
    }
    applyingPreset_ = true;
    grid_->setTicked(names);  // targetsEdited -> onGridEdited, which must not turn the preset into "Custom"
    applyingPreset_ = false;
    recompute();
}

void AdapterPage::onGridEdited()
{
    if (applyingPreset_)
        return;
    // A hand edit that no longer equals the preset makes the choice custom; rank edits leave the preset alone.
    if (preset() != TargetPreset::Custom && model_) {
        const auto ticked = grid_->tickedModules();
        const auto wanted = presetModules(*model_, preset(), lastLayersCheck_->isChecked() ? lastLayers_->value() : 0);
        if (std::set<std::string>(ticked.begin(), ticked.end()) != wanted)
            preset_->setCurrentIndex(preset_->findData(presetId(TargetPreset::Custom)));
    }
    recompute();
}

void AdapterPage::recompute()
{
    lora::LoraConfig base;
    base.r = rank_->value();
    base.alpha = alpha_->value();
    base.dropout = dropout_->value();
    base.useRslora = rslora_->isChecked();
    base.useDora = dora_->isChecked();
    base.init = static_cast<lora::LoraInit>(init_->currentData().toInt());
    base.taskType = model_ && model_->task == "sequence-classification" ? "SEQ_CLS" : "CAUSAL_LM";
    base.baseModelNameOrPath = baseModel_.toStdString();
    const std::string regex = regex_->text().trimmed().toStdString();
    config_ = applyGridTargets(base, grid_->tickedModules(), grid_->rankOverrides(), regex);

    const double scaling = base.useRslora ? base.alpha / std::sqrt(double(base.r)) : base.alpha / base.r;
    scaling_->setText(tr("%1 = %2").arg(base.useRslora ? QStringLiteral("α/√r") : QStringLiteral("α/r"), QLocale().toString(scaling, 'g', 4)));

    targets_.clear();
    budget_ = {};
    error_.clear();
    const bool byRegex = !regex.empty();
    grid_->setTicksEnabled(!byRegex);
    for (QWidget* w : {static_cast<QWidget*>(preset_), static_cast<QWidget*>(lastLayersCheck_)})
        w->setEnabled(!byRegex);
    lastLayers_->setEnabled(!byRegex && lastLayersCheck_->isChecked());

    if (!model_) {
        banner_->showMessage(MessageBanner::Kind::Info,
                             tr("Load a model first (<b>File → Open Model Folder…</b>): the grid lists its layers "
                                "and modules."));
    } else if (!byRegex && config_.targetModules.empty()) {
        error_ = tr("Nothing is selected: tick modules in the grid, choose a preset, or type a regex.");
    } else {
        try {
            targets_ = lora::selectTargets(*model_, config_);
            budget_ = lora::computeBudget(*model_, targets_, config_);
        } catch (const std::exception& e) {
            targets_.clear();
            budget_ = {};
            error_ = QString::fromStdString(e.what());
        }
    }
    if (!error_.isEmpty())
        banner_->showError(error_);
    else if (model_ && byRegex)
        banner_->showMessage(MessageBanner::Kind::Info,
                             tr("The regex adapts %1; the grid shows them tinted and its ticks are off until the regex "
                                "is cleared.").arg(countOf(qint64(targets_.size()), tr("module"), tr("modules"))));
    else if (model_)
        banner_->clearMessage();

    std::map<std::string, int> adapted;
    for (const auto& t : targets_)
        adapted[t.name] = t.rank;
    grid_->showEffective(adapted);
    showBudget();
    updateFactorization();
    Q_EMIT configChanged();
}

void AdapterPage::showBudget()
{
    if (!model_ || targets_.empty()) {
        clearBudget();
        return;
    }
    trainable_->setText(count(budget_.trainable));
    trainable_->setToolTip(QString::fromStdString(budget_.peftSummary()));
    percent_->setText(tr("%1 %").arg(QLocale().toString(budget_.trainablePercent, 'f', budget_.trainablePercent < 1 ? 3 : 2)));
    percent_->setToolTip(tr("%1 trainable of %2 parameters (base model + adapter)").arg(count(budget_.trainable),
                                                                                          count(budget_.total)));
    adapterSize_->setText(bytes(budget_.adapterBytes));
    const auto lora = estimateTrainingMemory(*model_, budget_.trainable, budget_.trainable, batch_->value(), sequence_->value());
    const auto full = estimateTrainingMemory(*model_, budget_.fullFineTuneParameters, 0, batch_->value(), sequence_->value());
    loraMemory_->setText(tr("≈ %1").arg(bytes(lora.total())));
    loraMemory_->setToolTip(breakdown(lora));
    fullMemory_->setText(tr("≈ %1").arg(bytes(full.total())));
    fullMemory_->setToolTip(breakdown(full));
    chart_->setBudget(model_->numLayers, budget_.perLayer);
}

void AdapterPage::clearBudget()
{
    for (QLabel* l : {trainable_, percent_, adapterSize_, loraMemory_, fullMemory_}) {
        l->setText(QStringLiteral("—"));
        l->setToolTip({});
    }
    chart_->clearBudget();
}

void AdapterPage::updateFactorization()
{
    if (!model_) {
        view_->clearModule(tr("Load a model to see how LoRA factorises its weights."));
        return;
    }
    const QString current = grid_->currentModule();
    const std::string name = current.toStdString();
    const lora::ModuleInfo* module = nullptr;
    for (const auto& m : model_->modules)
        if (m.name == name)
            module = &m;
    if (!module || module->weightShape.size() != 2) {
        view_->clearModule(tr("Select a cell of the grid to see its matrices W, B and A."));
        return;
    }
    FactorizationView::Module m;
    m.name = current;
    const bool conv = module->type == "Conv1D";  // GPT-2 stores its weight [in, out]
    m.k = conv ? module->weightShape[0] : module->weightShape[1];
    m.d = conv ? module->weightShape[1] : module->weightShape[0];
    m.rslora = config_.useRslora;
    const auto it = std::find_if(targets_.begin(), targets_.end(), [&](const lora::LoraTarget& t) { return t.name == name; });
    m.adapted = it != targets_.end();
    if (m.adapted) {
        m.r = it->rank;
        m.scaling = it->scaling;
    } else {
        try {  // what it would get if ticked; a broken rank pattern cannot happen (keys are escaped) but stay safe
            m.r = config_.rankFor(name);
            m.scaling = config_.scalingFor(name);
        } catch (const std::exception&) {
            m.r = config_.r;
            m.scaling = config_.alpha / config_.r;
        }
    }
    view_->setModule(m);
}
