#include "sweep/sweep_builder.h"
#include "plural.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
#include <QSpinBox>

namespace {

QString presetText(lora::TargetPreset preset)
{
    switch (preset) {
    case lora::TargetPreset::QueryValue: return SweepBuilder::tr("q + v");
    case lora::TargetPreset::Attention: return SweepBuilder::tr("Attention");
    case lora::TargetPreset::Mlp: return SweepBuilder::tr("MLP");
    case lora::TargetPreset::AllLinear: return SweepBuilder::tr("All linear");
    }
    return {};
}

QStringList items(const QString& text) { return text.split(QLatin1Char(','), Qt::SkipEmptyParts); }

}  // namespace

SweepBuilder::SweepBuilder(QWidget* parent)
    : QWidget(parent), layers_(new QLineEdit(QStringLiteral("all"))), seeds_(new QLineEdit(QStringLiteral("1"))),
      steps_(new QSpinBox), name_(new QLineEdit), summary_(new QLabel)
{
    auto* form = new QFormLayout(this);
    auto* rankRow = new QHBoxLayout;
    for (int r : kRanks) {
        auto* box = new QCheckBox(QString::number(r));
        box->setToolTip(tr("Train a run at rank %1: each adapted d×k weight gets A (%1×k) and B (d×%1), "
                           "r·(d+k) parameters. Doubling the rank doubles them.").arg(r));
        box->setChecked(r == 4 || r == 8);
        connect(box, &QCheckBox::toggled, this, &SweepBuilder::updateSummary);
        ranks_[r] = box;
        rankRow->addWidget(box);
    }
    rankRow->addStretch();
    form->addRow(tr("&Ranks:"), rankRow);

    auto* presetRow = new QHBoxLayout;
    for (auto p : lora::allTargetPresets()) {
        auto* box = new QCheckBox(presetText(p));
        box->setChecked(p == lora::TargetPreset::QueryValue || p == lora::TargetPreset::AllLinear);
        connect(box, &QCheckBox::toggled, this, &SweepBuilder::updateSummary);
        presets_[p] = box;
        presetRow->addWidget(box);
    }
    presets_[lora::TargetPreset::QueryValue]->setToolTip(
        tr("The LoRA paper's choice: the query and value projections of every attention block (GPT-2: its fused c_attn)."));
    presets_[lora::TargetPreset::Attention]->setToolTip(tr("Every projection of the attention blocks: q, k, v and output."));
    presets_[lora::TargetPreset::Mlp]->setToolTip(tr("The feed-forward projections of every block (up, gate, down)."));
    presets_[lora::TargetPreset::AllLinear]->setToolTip(
        tr("Every linear layer except the output head (PEFT's \"all-linear\"): the most parameters, often the lowest loss."));
    presetRow->addStretch();
    form->addRow(tr("&Targets:"), presetRow);

    layers_->setToolTip(tr("Which transformer blocks get adapters (PEFT's layers_to_transform), one run per range, "
                           "separated by commas: all, a block (3) or a range (0-1). Do the last blocks alone "
                           "do as well as all of them?"));
    form->addRow(tr("&Layers:"), layers_);
    seeds_->setToolTip(tr("Seeds, separated by commas: each repeats every run with another initialisation and "
                          "data order, to see how much of a difference is noise."));
    form->addRow(tr("S&eeds:"), seeds_);
    steps_->setRange(1, 1000000);
    steps_->setValue(60);
    steps_->setToolTip(tr("Optimizer steps of each run. The other settings (learning rate, batch, validation) are the "
                          "Train page's."));
    form->addRow(tr("Ste&ps per run:"), steps_);
    name_->setPlaceholderText(tr("sweep"));
    name_->setToolTip(tr("The sweep's name in the run history; its runs are named after it and their cell."));
    form->addRow(tr("&Name:"), name_);
    summary_->setWordWrap(true);
    summary_->setToolTip(tr("Runs = ranks × targets × layer ranges × seeds. The parameter total is what every run "
                            "trains, added up: a measure of the sweep's cost."));
    form->addRow(summary_);
    for (auto* edit : {layers_, seeds_, name_})
        connect(edit, &QLineEdit::textChanged, this, &SweepBuilder::updateSummary);
    connect(steps_, &QSpinBox::valueChanged, this, &SweepBuilder::changed);
    updateSummary();
}

void SweepBuilder::setModelDescription(const lora::ModelDescription& model)
{
    model_ = model;
    updateSummary();
}

std::optional<lora::SweepGrid> SweepBuilder::grid() const
{
    lora::SweepGrid g;
    for (const auto& [rank, box] : ranks_)
        if (box->isChecked())
            g.ranks.push_back(rank);
    for (const auto& [preset, box] : presets_)
        if (box->isChecked())
            g.presets.push_back(preset);
    try {
        for (const auto& text : items(layers_->text()))
            g.layerRanges.push_back(lora::parseLayerRange(text.trimmed().toStdString()));
        for (const auto& text : items(seeds_->text())) {
            bool ok = false;
            const qulonglong seed = text.trimmed().toULongLong(&ok);
            if (!ok)
                throw lora::Error("seed '" + text.trimmed().toStdString() + "' is not a whole number");
            g.seeds.push_back(seed);
        }
        lora::checkSweepGrid(g);
    } catch (const std::exception& e) {
        problem_ = QString::fromUtf8(e.what());
        return std::nullopt;
    }
    problem_.clear();
    return g;
}

QString SweepBuilder::problem() const { return problem_; }
int SweepBuilder::steps() const { return steps_->value(); }
QString SweepBuilder::name() const { return name_->text().trimmed(); }

void SweepBuilder::setRanks(const QList<int>& ranks)
{
    for (const auto& [rank, box] : ranks_)
        box->setChecked(ranks.contains(rank));
}

void SweepBuilder::setPresets(const QList<lora::TargetPreset>& presets)
{
    for (const auto& [preset, box] : presets_)
        box->setChecked(presets.contains(preset));
}

void SweepBuilder::setLayerRanges(const QString& text) { layers_->setText(text); }
void SweepBuilder::setSeeds(const QString& text) { seeds_->setText(text); }
void SweepBuilder::setSteps(int steps) { steps_->setValue(steps); }

void SweepBuilder::updateSummary()
{
    plan_.clear();
    const auto g = grid();
    if (!g) {
        summary_->setText(tr("<b>Not ready:</b> %1").arg(problem_.toHtmlEscaped()));
    } else if (!model_) {
        summary_->setText(tr("<b>%1</b>; load a model to see their parameters.")
                                 .arg(countOf(qint64(lora::expandSweepGrid(*g).size()), tr("run"), tr("runs"))));
    } else {
        // Planned with a stand-in base: the budget depends only on the model and each cell's rank and targets.
        lora::SweepSpec spec;
        spec.grid = *g;
        spec.base.validationFraction = 0.1;
        spec.base.outputDir = "plan";
        try {
            plan_ = lora::planSweep(spec, *model_);
            qint64 total = 0;
            for (const auto& c : plan_)
                total += c.budget.trainable;
            summary_->setText(tr("<b>%1</b>, %2 trainable parameters in all")
                                  .arg(countOf(qint64(plan_.size()), tr("run"), tr("runs")), QLocale().toString(total)));
        } catch (const std::exception& e) {
            problem_ = QString::fromUtf8(e.what());
            summary_->setText(tr("<b>Not ready:</b> %1").arg(problem_.toHtmlEscaped()));
        }
    }
    Q_EMIT changed();
}

void SweepBuilder::restoreSettings(const QSettings& settings)
{
    if (settings.contains("sweep/ranks")) {
        QList<int> ranks;
        for (const auto& v : settings.value("sweep/ranks").toList())
            ranks << v.toInt();
        setRanks(ranks);
    }
    if (settings.contains("sweep/presets")) {
        QList<lora::TargetPreset> presets;
        for (const auto& id : settings.value("sweep/presets").toStringList())
            if (const auto p = lora::parseTargetPreset(id.toStdString()))
                presets << *p;
        setPresets(presets);
    }
    setLayerRanges(settings.value("sweep/layers", layers_->text()).toString());
    setSeeds(settings.value("sweep/seeds", seeds_->text()).toString());
    setSteps(settings.value("sweep/steps", steps_->value()).toInt());
}

void SweepBuilder::saveSettings(QSettings& settings) const
{
    QVariantList ranks;
    for (const auto& [rank, box] : ranks_)
        if (box->isChecked())
            ranks << rank;
    QStringList presets;
    for (const auto& [preset, box] : presets_)
        if (box->isChecked())
            presets << QString::fromStdString(lora::targetPresetId(preset));
    settings.setValue("sweep/ranks", ranks);
    settings.setValue("sweep/presets", presets);
    settings.setValue("sweep/layers", layers_->text());
    settings.setValue("sweep/seeds", seeds_->text());
    settings.setValue("sweep/steps", steps_->value());
}
