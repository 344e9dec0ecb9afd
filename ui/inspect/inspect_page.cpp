#include "inspect/inspect_page.h"

#include "data/message_banner.h"
#include "inspect/delta_weight_panel.h"
#include "inspect/similarity_panel.h"
#include "inspect/spectrum_plot.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace {
constexpr int kMatrixSide = 96;  // ΔW and W are averaged down to at most this many cells a side
}

InspectPage::InspectPage(QWidget* parent)
    : QWidget(parent), banner_(new MessageBanner), folderLabel_(new QLabel), figure_(new QComboBox),
      topK_(new QSpinBox), threshold_(new QDoubleSpinBox), frameLabel_(new QLabel), frameSlider_(new QSlider(Qt::Horizontal)),
      heatmap_(new LayerModuleHeatmap), spectrum_(new SpectrumPlot), deltaPanel_(new DeltaWeightPanel),
      similarity_(new SimilarityPanel)
{
    auto* openAdapter = new QPushButton(tr("Open adapter or &run…"));
    openAdapter->setToolTip(tr("A PEFT adapter folder (adapter_config.json + adapter_model.safetensors) trained on "
                               "the loaded base model, or one checkpoint — or a training run's output folder: then "
                               "every checkpoint in its checkpoints/ is analysed and the slider replays how the "
                               "spectra grew over training (Ctrl+Shift+A)."));
    auto* openAction = new QAction(this);
    openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));  // Ctrl+Shift+O opens a dataset
    openAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(openAction);
    connect(openAction, &QAction::triggered, this, &InspectPage::chooseAdapterFolder);
    connect(openAdapter, &QPushButton::clicked, this, &InspectPage::chooseAdapterFolder);

    figure_->setObjectName("figureCombo");
    for (auto f : {SpectrumFigure::EffectiveRank, SpectrumFigure::TopEnergy, SpectrumFigure::RelativeNorm,
                   SpectrumFigure::ThresholdRank})
        figure_->addItem(figureName(f), int(f));
    figure_->setToolTip(tr("The figure the heatmap colours each module by."));
    QSettings settings;
    figure_->setCurrentIndex(std::max(0, figure_->findData(settings.value("inspect/figure", 0).toInt())));
    topK_->setRange(1, 256);
    topK_->setValue(settings.value("inspect/topK", 1).toInt());
    topK_->setToolTip(tr("k of the top-k energy: the share of ‖ΔW‖² in the k largest singular values."));
    threshold_->setRange(0.0, 0.99);
    threshold_->setDecimals(3);
    threshold_->setSingleStep(0.005);
    threshold_->setValue(settings.value("inspect/threshold", 0.01).toDouble());
    threshold_->setToolTip(tr("Rank above threshold counts singular values larger than this fraction of the largest."));
    connect(figure_, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue("inspect/figure", figure_->currentData().toInt());
        showFrame();
    });
    connect(topK_, &QSpinBox::editingFinished, this, &InspectPage::analyze);
    connect(threshold_, &QDoubleSpinBox::editingFinished, this, &InspectPage::analyze);

    frameSlider_->setObjectName("checkpointSlider");
    frameSlider_->setToolTip(tr("Replay over training: drag through the run's checkpoints, oldest to newest."));
    connect(frameSlider_, &QSlider::valueChanged, this, &InspectPage::setFrame);

    auto* controls = new QHBoxLayout;
    controls->addWidget(openAdapter);
    controls->addWidget(folderLabel_, 1);
    controls->addWidget(new QLabel(tr("Colour by:")));
    controls->addWidget(figure_);
    controls->addWidget(new QLabel(tr("k:")));
    controls->addWidget(topK_);
    controls->addWidget(new QLabel(tr("threshold:")));
    controls->addWidget(threshold_);
    auto* replay = new QHBoxLayout;
    replay->addWidget(frameLabel_);
    replay->addWidget(frameSlider_, 1);

    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(heatmap_);
    top->addWidget(spectrum_);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    auto* deltaBox = new QGroupBox(tr("The selected module: W and ΔW"));
    (new QVBoxLayout(deltaBox))->addWidget(deltaPanel_);
    auto* similarityBox = new QGroupBox(tr("Subspace similarity with another adapter"));
    (new QVBoxLayout(similarityBox))->addWidget(similarity_);
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(deltaBox);
    bottom->addWidget(similarityBox);
    auto* vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(top);
    vertical->addWidget(bottom);

    auto* column = new QVBoxLayout(this);
    column->addLayout(controls);
    column->addWidget(banner_);
    column->addLayout(replay);
    column->addWidget(vertical, 1);
    frameLabel_->hide();
    frameSlider_->hide();
    folderLabel_->setText(tr("No adapter open."));

    connect(heatmap_, &LayerModuleHeatmap::moduleClicked, this, &InspectPage::onModuleClicked);
    connect(&spectraWatcher_, &QFutureWatcher<SpectraOutcome>::finished, this, &InspectPage::onSpectra);
    connect(&matricesWatcher_, &QFutureWatcher<MatricesOutcome>::finished, this, [this] {
        if (matricesPending_)
            return requestMatrices();
        deltaPanel_->showMatrices(matricesWatcher_.result());
        Q_EMIT matricesReady();
    });
}

void InspectPage::setModel(std::shared_ptr<lora::Model> model, const QString& folder)
{
    Q_UNUSED(folder);
    model_ = std::move(model);
    similarity_->setModel(model_);
    if (!folder_.isEmpty())
        analyze();  // an adapter was open: analyse it again on the new base (or say why it does not fit)
}

void InspectPage::chooseAdapterFolder()
{
    QSettings settings;
    const QString folder = QFileDialog::getExistingDirectory(this, tr("PEFT adapter folder or training run folder"),
                                                             settings.value("inspect/folder", QDir::homePath()).toString());
    if (!folder.isEmpty())
        openFolder(folder);
}

void InspectPage::openFolder(const QString& folder)
{
    folder_ = folder;
    selected_.clear();
    QSettings().setValue("inspect/folder", folder);
    folderLabel_->setText(QDir::toNativeSeparators(folder));
    similarity_->setFirstAdapter(folder);
    analyze();
}

void InspectPage::analyze()
{
    if (folder_.isEmpty())
        return;
    if (spectraWatcher_.isRunning()) {  // the newest request wins: run it when this one ends
        connect(&spectraWatcher_, &QFutureWatcher<SpectraOutcome>::finished, this, &InspectPage::analyze,
                Qt::SingleShotConnection);
        return;
    }
    QSettings settings;
    settings.setValue("inspect/topK", topK_->value());
    settings.setValue("inspect/threshold", threshold_->value());
    banner_->showMessage(MessageBanner::Kind::Info, tr("Analysing %1…").arg(folder_.toHtmlEscaped()));
    lora::SpectrumOptions options;
    options.topK = topK_->value();
    options.rankThreshold = threshold_->value();
    spectraWatcher_.setFuture(QtConcurrent::run(computeSpectra, model_, folder_, options));
}

void InspectPage::onSpectra()
{
    outcome_ = spectraWatcher_.result();
    if (!outcome_.error.isEmpty()) {
        banner_->showError(outcome_.error);
        heatmap_->clear();
        spectrum_->clear();
        deltaPanel_->clear();
    } else if (!outcome_.frames.front().note.empty()) {
        banner_->showMessage(MessageBanner::Kind::Info,
                             QString::fromStdString(outcome_.frames.front().note).toHtmlEscaped());
    } else {
        banner_->clearMessage();
    }
    const int last = std::max(0, frameCount() - 1);
    frameSlider_->setVisible(outcome_.replay);
    frameLabel_->setVisible(outcome_.replay);
    frameSlider_->blockSignals(true);
    frameSlider_->setRange(0, last);
    frameSlider_->setValue(last);  // the newest checkpoint first: what training arrived at
    frameSlider_->blockSignals(false);
    frame_ = last;
    showFrame();
    if (selected_.isEmpty() && spectra() && !spectra()->modules.empty())
        selectModule(QString::fromStdString(spectra()->modules.front().module));
    Q_EMIT spectraReady();
}

const lora::AdapterSpectra* InspectPage::spectra() const
{
    return frame_ < frameCount() ? &outcome_.frames[size_t(frame_)] : nullptr;
}

bool InspectPage::isBusy() const
{
    return spectraWatcher_.isRunning() || matricesWatcher_.isRunning() || similarity_->isBusy();
}

SpectrumFigure InspectPage::figure() const { return SpectrumFigure(figure_->currentData().toInt()); }

void InspectPage::setFigure(SpectrumFigure f) { figure_->setCurrentIndex(figure_->findData(int(f))); }

void InspectPage::setFrame(int index)
{
    if (index < 0 || index >= frameCount())
        return;
    frame_ = index;
    if (frameSlider_->value() != index)
        frameSlider_->setValue(index);
    showFrame();
    if (!selected_.isEmpty())
        selectModule(selected_);
}

void InspectPage::showFrame()
{
    const auto* s = spectra();
    if (!s)
        return;
    heatmap_->setSpectra(*s, figure());
    if (outcome_.replay)
        frameLabel_->setText(tr("Checkpoint %1 of %2 — step %3").arg(frame_ + 1).arg(frameCount()).arg(s->step));
    if (!selected_.isEmpty())
        heatmap_->selectModule(selected_);
}

void InspectPage::onModuleClicked(const QString& module) { selectModule(module); }

void InspectPage::selectModule(const QString& module)
{
    const auto* s = spectra();
    if (!s)
        return;
    for (const auto& m : s->modules)
        if (QString::fromStdString(m.module) == module) {
            selected_ = module;
            heatmap_->selectModule(module);
            spectrum_->setSpectrum(module, m.singularValues);
            similarity_->setModule(module);
            requestMatrices();
            return;
        }
}

void InspectPage::requestMatrices()
{
    if (matricesWatcher_.isRunning()) {  // the newest selection wins once this one ends
        matricesPending_ = true;
        return;
    }
    matricesPending_ = false;
    matricesWatcher_.setFuture(QtConcurrent::run(computeMatrices, model_, outcome_.frameFolders[size_t(frame_)],
                                                 selected_, kMatrixSide));
}
