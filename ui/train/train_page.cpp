#include "train/train_page.h"
#include "plural.h"

#include "data/message_banner.h"
#include "data/stat_tile.h"
#include "runs/run_database.h"
#include "train/memory_check.h"
#include "train/metric_plot.h"
#include "train/training_charts.h"
#include "train/training_tips.h"
#include "settings_column.h"

#include "lora/memory_estimate.h"
#include "lora/run_store.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTime>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

QString duration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("—");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

QString number(double v) { return QLocale().toString(v, 'g', 4); }


}  // namespace

TrainPage::TrainPage(QWidget* parent)
    : QWidget(parent),
      banner_(new MessageBanner),
      status_(new QLabel),
      progress_(new QProgressBar),
      timing_(new QLabel),
      charts_(new TrainingCharts(run_)),
      log_(new QPlainTextEdit)
{
    startAction_ = new QAction(tr("&Start Training"), this);
    startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    startAction_->setToolTip(tr("Start training with the model, dataset and adapter chosen on the other pages (Ctrl+T)"));
    pauseAction_ = new QAction(tr("&Pause"), this);
    pauseAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    pauseAction_->setToolTip(tr("Pause before the next step, or resume (Ctrl+P)"));
    stopAction_ = new QAction(tr("St&op"), this);
    stopAction_->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(Qt::CTRL | Qt::Key_Period)});
    stopAction_->setToolTip(tr("Stop after the current step and save the adapter (Esc or Ctrl+.)"));
    for (QAction* a : {startAction_, pauseAction_, stopAction_}) {
        a->setShortcutContext(Qt::WindowShortcut);
        addAction(a);  // the shortcuts work wherever the page is, in the main window or on its own
    }
    connect(startAction_, &QAction::triggered, this, &TrainPage::start);
    connect(pauseAction_, &QAction::triggered, this, &TrainPage::togglePause);
    connect(stopAction_, &QAction::triggered, this, &TrainPage::stop);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(buildSettings());
    layout->addWidget(buildMonitor(), 1);

    connect(&run_, &TrainingRun::stateChanged, this, &TrainPage::onStateChanged);
    connect(&run_, &TrainingRun::metricsUpdated, this, &TrainPage::onMetrics);
    connect(&run_, &TrainingRun::logMessage, this, &TrainPage::appendLog);
    connect(&run_, &TrainingRun::finished, this, &TrainPage::onFinished);
    connect(&run_, &TrainingRun::recordingFailed, this, &TrainPage::recordingFailed);
    applyDefaults(TrainingDefaults{});
    onStateChanged(run_.state());
    updateProgress();
}

QWidget* TrainPage::buildSettings()
{
    startButton_ = new QPushButton(tr("Start"));
    startButton_->setObjectName("startButton");
    pauseButton_ = new QPushButton(tr("Pause"));
    pauseButton_->setObjectName("pauseButton");
    stopButton_ = new QPushButton(tr("Stop"));
    stopButton_->setObjectName("stopButton");
    startButton_->setToolTip(startAction_->toolTip());
    pauseButton_->setToolTip(pauseAction_->toolTip());
    stopButton_->setToolTip(stopAction_->toolTip());
    QFont bold = startButton_->font();
    bold.setBold(true);
    startButton_->setFont(bold);
    connect(startButton_, &QPushButton::clicked, startAction_, &QAction::trigger);
    connect(pauseButton_, &QPushButton::clicked, pauseAction_, &QAction::trigger);
    connect(stopButton_, &QPushButton::clicked, stopAction_, &QAction::trigger);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(startButton_, 2);
    buttons->addWidget(pauseButton_, 1);
    buttons->addWidget(stopButton_, 1);

    steps_ = new QSpinBox;
    steps_->setObjectName("stepsSpin");
    steps_->setRange(1, 10000000);
    batch_ = new QSpinBox;
    batch_->setObjectName("batchSpin");
    batch_->setRange(1, 4096);
    learningRate_ = new QDoubleSpinBox;
    learningRate_->setObjectName("learningRateSpin");
    learningRate_->setDecimals(6);
    learningRate_->setRange(1e-6, 1.0);
    learningRate_->setSingleStep(1e-4);
    schedule_ = new QComboBox;
    schedule_->setObjectName("scheduleCombo");
    schedule_->addItem(tr("Linear decay"), "linear");
    schedule_->addItem(tr("Cosine decay"), "cosine");
    schedule_->addItem(tr("Constant"), "constant");
    warmup_ = new QSpinBox;
    warmup_->setObjectName("warmupSpin");
    warmup_->setRange(0, 1000000);
    weightDecay_ = new QDoubleSpinBox;
    weightDecay_->setObjectName("weightDecaySpin");
    weightDecay_->setDecimals(4);
    weightDecay_->setRange(0, 1);
    weightDecay_->setSingleStep(0.01);
    evalEvery_ = new QSpinBox;
    evalEvery_->setObjectName("evalEverySpin");
    evalEvery_->setRange(0, 1000000);
    evalEvery_->setSpecialValueText(tr("only at the end"));
    evalEvery_->setSuffix(tr(" steps"));
    validation_ = new QDoubleSpinBox;
    validation_->setObjectName("validationSpin");
    validation_->setRange(0, 0.5);
    validation_->setSingleStep(0.05);
    validation_->setDecimals(2);
    seed_ = new QSpinBox;
    seed_->setObjectName("seedSpin");
    seed_->setRange(0, std::numeric_limits<int>::max());
    output_ = new QLineEdit;
    output_->setObjectName("outputEdit");
    output_->setClearButtonEnabled(true);
    output_->setPlaceholderText(tr("automatic"));
    auto* browse = new QToolButton;
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose the output folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Output Folder"), output_->text());
        if (!dir.isEmpty())
            output_->setText(dir);
    });
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(output_, 1);
    outputRow->addWidget(browse);

    auto* form = new QFormLayout;
    auto addRow = [form](const QString& label, QWidget* field, const QString& tooltip) {
        field->setToolTip(tooltip);
        auto* l = new QLabel(label);
        l->setToolTip(tooltip);  // hovering the term explains it, not only the field
        form->addRow(l, field);
    };
    addRow(tr("Steps:"), steps_, trainTip::steps());
    addRow(tr("Batch size:"), batch_, trainTip::batch());
    addRow(tr("Learning rate:"), learningRate_, trainTip::lr());
    addRow(tr("Schedule:"), schedule_, trainTip::schedule());
    addRow(tr("Warmup steps:"), warmup_, trainTip::warmup());
    addRow(tr("Weight decay:"), weightDecay_, trainTip::weightDecay());
    addRow(tr("Evaluate every:"), evalEvery_, trainTip::evalEvery());
    addRow(tr("Validation fraction:"), validation_, trainTip::validation());
    addRow(tr("Seed:"), seed_, trainTip::seed());
    auto* outputLabel = new QLabel(tr("Output folder:"));
    outputLabel->setToolTip(trainTip::output());
    output_->setToolTip(trainTip::output());
    form->addRow(outputLabel, outputRow);

    auto* settings = new QGroupBox(tr("Training settings"));
    settings->setLayout(form);

    auto* hint = new QLabel(tr("The model, dataset and adapter come from the Model, Data and Adapter pages. Hover a "
                               "setting to see what it does."));
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    memory_ = new QLabel;
    memory_->setObjectName("memoryEstimateLabel");
    memory_->setWordWrap(true);
    memory_->setTextFormat(Qt::PlainText);

    auto* scroll = makeSettingsColumn({{nullptr, buttons}, {settings}, {memory_}, {hint}}, 300);
    connect(batch_, &QSpinBox::valueChanged, this, &TrainPage::refreshMemoryEstimate);

    for (QSpinBox* s : {steps_, batch_, warmup_, evalEvery_})
        connect(s, &QSpinBox::valueChanged, this, &TrainPage::settingsChanged);
    for (QDoubleSpinBox* s : {learningRate_, weightDecay_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &TrainPage::settingsChanged);
    connect(schedule_, &QComboBox::currentIndexChanged, this, &TrainPage::settingsChanged);
    connect(output_, &QLineEdit::editingFinished, this, &TrainPage::settingsChanged);
    connect(validation_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        Q_EMIT validationFractionChanged(v);
        Q_EMIT settingsChanged();
    });
    connect(seed_, &QSpinBox::valueChanged, this, [this](int v) {
        Q_EMIT seedChanged(quint64(v));
        Q_EMIT settingsChanged();
    });
    return scroll;
}

QWidget* TrainPage::buildMonitor()
{
    banner_->setObjectName("messageLabel");
    status_->setObjectName("statusLabel");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = status_->font();
    bold.setBold(true);
    status_->setFont(bold);
    progress_->setObjectName("progressBar");
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("%v / %m steps"));
    timing_->setObjectName("timingLabel");
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(timing_);

    log_->setObjectName("logView");
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setLineWrapMode(QPlainTextEdit::NoWrap);
    log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    log_->setPlaceholderText(tr("The trainer's log appears here."));

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(charts_);
    split->addWidget(log_);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto* monitor = new QWidget;
    auto* layout = new QVBoxLayout(monitor);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(banner_);
    layout->addWidget(status_);
    layout->addLayout(progressRow);
    layout->addWidget(split, 1);

    connect(charts_, &TrainingCharts::validationLoss, this, [this](qint64 step, double loss) {
        appendLog(tr("step %1: validation loss %2").arg(step).arg(number(loss)));
    });
    return monitor;
}

void TrainPage::applyDefaults(const TrainingDefaults& d)
{
    steps_->setValue(d.steps);
    batch_->setValue(d.batchSize);
    learningRate_->setValue(d.learningRate);
    const int s = schedule_->findData(d.schedule.toLower());
    if (s >= 0)
        schedule_->setCurrentIndex(s);
    warmup_->setValue(d.warmupSteps);
    weightDecay_->setValue(d.weightDecay);
    evalEvery_->setValue(d.evalEvery);
    validation_->setValue(d.validationFraction);
    seed_->setValue(int(std::min<quint64>(d.seed, quint64(std::numeric_limits<int>::max()))));
}

void TrainPage::restoreSettings(const QSettings& settings)
{
    auto restoreInt = [&settings](const char* key, QSpinBox* spin) {
        if (settings.contains(key))
            spin->setValue(settings.value(key).toInt());
    };
    auto restoreDouble = [&settings](const char* key, QDoubleSpinBox* spin) {
        if (settings.contains(key))
            spin->setValue(settings.value(key).toDouble());
    };
    restoreInt("train/steps", steps_);
    restoreInt("train/batchSize", batch_);
    restoreDouble("train/learningRate", learningRate_);
    restoreInt("train/warmupSteps", warmup_);
    restoreDouble("train/weightDecay", weightDecay_);
    restoreInt("train/evalEvery", evalEvery_);
    restoreDouble("train/validationFraction", validation_);
    restoreInt("train/seed", seed_);
    if (settings.contains("train/schedule")) {
        const int s = schedule_->findData(settings.value("train/schedule").toString());
        if (s >= 0)
            schedule_->setCurrentIndex(s);
    }
    if (settings.contains("train/outputFolder"))
        output_->setText(settings.value("train/outputFolder").toString());
    if (settings.contains("train/xAxis"))
        setXAxis(MetricAxis(settings.value("train/xAxis").toInt()));
}

void TrainPage::saveSettings(QSettings& settings) const
{
    settings.setValue("train/steps", steps_->value());
    settings.setValue("train/batchSize", batch_->value());
    settings.setValue("train/learningRate", learningRate_->value());
    settings.setValue("train/warmupSteps", warmup_->value());
    settings.setValue("train/weightDecay", weightDecay_->value());
    settings.setValue("train/evalEvery", evalEvery_->value());
    settings.setValue("train/validationFraction", validation_->value());
    settings.setValue("train/seed", seed_->value());
    settings.setValue("train/schedule", schedule_->currentData().toString());
    settings.setValue("train/outputFolder", output_->text().trimmed());
    settings.setValue("train/xAxis", int(xAxis()));
}

void TrainPage::setXAxis(MetricAxis axis) { charts_->setXAxis(axis); }
MetricAxis TrainPage::xAxis() const { return charts_->xAxis(); }
MetricPlot* TrainPage::lossPlot() const { return charts_->lossPlot(); }
MetricPlot* TrainPage::learningRatePlot() const { return charts_->learningRatePlot(); }
MetricPlot* TrainPage::gradNormPlot() const { return charts_->gradNormPlot(); }
MetricPlot* TrainPage::throughputPlot() const { return charts_->throughputPlot(); }
void TrainPage::setSteps(int steps) { steps_->setValue(steps); }
void TrainPage::setValidationFraction(double fraction) { validation_->setValue(fraction); }
void TrainPage::setSeed(quint64 seed) { seed_->setValue(int(std::min<quint64>(seed, quint64(std::numeric_limits<int>::max())))); }
void TrainPage::setOutputFolder(const QString& folder) { output_->setText(folder); }
QString TrainPage::statusText() const { return status_->text(); }

std::optional<lora::TrainingConfig> TrainPage::buildConfig()
{
    const TrainInputs in = inputs_ ? inputs_() : TrainInputs{QString(), {}, {}, 0, QString(), {}, {}, 0,
                                                             tr("Nothing is connected to this page.")};
    if (!in.problem.isEmpty()) {
        banner_->showMessage(MessageBanner::Kind::Error, in.problem);
        return std::nullopt;
    }
    // From a run loaded by Run Again, what this page and the others do not show carries over.
    lora::TrainingConfig c = loaded_.value_or(lora::TrainingConfig{});
    c.resumeFrom.clear();
    c.modelDir = in.modelFolder.toStdU16String();
    c.dataFile = in.dataFile.toStdU16String();
    c.dataset = in.dataset;
    c.mode = lora::TrainingMode::Lora;
    if (loaded_) {
        lora::LoraConfig shown = in.lora;
        shown.alphaPattern = loaded_->lora.alphaPattern;
        shown.init = loaded_->lora.init;
        shown.modulesToSave = loaded_->lora.modulesToSave;
        shown.excludeModules = loaded_->lora.excludeModules;
        shown.excludeRegex = loaded_->lora.excludeRegex;
        c.lora = shown;
    } else {
        c.lora = in.lora;
    }
    c.maxSteps = steps_->value();
    c.batchSize = batch_->value();
    c.learningRate = learningRate_->value();
    c.schedule = lora::parseSchedule(schedule_->currentData().toString().toStdString());
    c.warmupSteps = warmup_->value();
    c.weightDecay = weightDecay_->value();
    c.evalSteps = evalEvery_->value();
    c.validationFraction = validation_->value();
    c.seed = quint64(seed_->value());
    c.device = in.device.toStdString();
    c.dtype = in.dtype.toStdString();
    c.threads = in.threads;
    const QString folder = output_->text().trimmed().isEmpty() ? defaultRunFolder() : output_->text().trimmed();
    c.outputDir = QDir::cleanPath(folder).toStdU16String();
    return c;
}

void TrainPage::start()
{
    if (run_.isActive())
        return;
    const auto config = buildConfig();
    if (!config || !confirmMemory(*config, inputs_ ? inputs_() : TrainInputs{}))
        return;
    banner_->clearMessage();
    log_->clear();
    appendLog(tr("Output folder: %1").arg(QDir::toNativeSeparators(QString::fromStdU16String(config->outputDir.u16string()))));
    beginRun(*config, {});
}

void TrainPage::beginRun(const lora::TrainingConfig& config, const RunRecording& recording)
{
    RunRecording where = recording;
    if (database_)
        where.database = database_->path();
    run_.start(config, where);
    charts_->reset();  // after start, which empties the history: the new run is drawn from its first step
    updateProgress();
}

void TrainPage::loadConfig(const lora::TrainingConfig& config, int64_t totalSteps, const QString& origin)
{
    loaded_ = config;
    steps_->setValue(int(std::clamp<int64_t>(config.maxSteps > 0 ? config.maxSteps : totalSteps, 1, steps_->maximum())));
    batch_->setValue(int(config.batchSize));
    learningRate_->setValue(config.learningRate);
    if (const int s = schedule_->findData(QString::fromStdString(lora::scheduleName(config.schedule))); s >= 0)
        schedule_->setCurrentIndex(s);
    warmup_->setValue(int(config.warmupSteps));
    weightDecay_->setValue(config.weightDecay);
    evalEvery_->setValue(int(config.evalSteps));
    setValidationFraction(config.validationFraction);
    setSeed(config.seed);
    output_->clear();  // automatic: a new folder, the earlier run's stays as it is
    QStringList kept;
    if (config.gradientAccumulation != 1)
        kept << tr("gradient accumulation %1").arg(config.gradientAccumulation);
    if (config.maxSteps == 0)
        kept << tr("sized by epochs (%1): %2").arg(config.epochs).arg(countOf(totalSteps, tr("step"), tr("steps")));
    if (config.saveSteps > 0)
        kept << tr("a checkpoint every %1 steps").arg(config.saveSteps);
    banner_->showMessage(MessageBanner::Kind::Info,
                         tr("<b>Settings of %1 loaded</b> into the Model, Data, Adapter and Train pages. Change what "
                            "you want to try, then press Start (Ctrl+T).%2")
                             .arg(origin.toHtmlEscaped(),
                                  kept.isEmpty() ? QString()
                                                 : tr(" Also kept from that run: %1.").arg(kept.join(", ").toHtmlEscaped())));
}

void TrainPage::resumeRecordedRun(const lora::RunRecord& run)
{
    if (run_.isActive()) {
        banner_->showMessage(MessageBanner::Kind::Error,
                             tr("A run is in progress. Stop it (Esc) before resuming run #%1.").arg(run.id));
        return;
    }
    lora::TrainingConfig config;
    try {
        config = lora::trainingConfigFromJson(run.configJson, "run " + std::to_string(run.id));
    } catch (const std::exception& e) {
        banner_->showError(tr("Run #%1 cannot be resumed: %2").arg(run.id).arg(QString::fromUtf8(e.what())));
        return;
    }
    banner_->clearMessage();
    log_->clear();
    appendLog(tr("Resuming run #%1 “%2” (output folder %3)")
                  .arg(run.id)
                  .arg(QString::fromStdString(run.name))
                  .arg(QDir::toNativeSeparators(QString::fromStdString(run.outputDir))));
    beginRun(config, RunRecording{{}, run.id, /*resume=*/true});
}

namespace {

// Tokens per example the run's batches will hold: the longest example when the dataset is known, else the
// limit the Data page's options allow.
qint64 sequenceLength(const TrainInputs& in)
{
    if (in.longestExample > 0)
        return in.longestExample;
    return in.dataset.format == lora::DatasetFormat::Text ? in.dataset.blockSize : in.dataset.maxLength;
}

}  // namespace

void TrainPage::refreshMemoryEstimate()
{
    const TrainInputs in = inputs_ ? inputs_() : TrainInputs{};
    if (!in.model) {
        memory_->setText(tr("Memory estimate: load a model first."));
        memory_->setToolTip(QString());
        return;
    }
    lora::TrainingConfig c;
    c.mode = lora::TrainingMode::Lora;
    c.lora = in.lora;
    c.batchSize = batch_->value();
    c.device = in.device.toStdString();
    c.dtype = in.dtype.toStdString();
    const qint64 available = availableMemory_ ? availableMemory_(in.device) : lora::availableMemoryBytes(c.device);
    const MemoryCheck check = checkTrainingMemory(*in.model, c, sequenceLength(in), available);
    memory_->setText(check.fits() ? check.summary : check.summary + tr(" — more than the device has"));
    memory_->setToolTip(check.breakdown);
}

// A run estimated to need more memory than the device has is the user's call (the estimate can be off, and
// the system may swap), so this asks rather than refuses.
bool TrainPage::confirmMemory(const lora::TrainingConfig& config, const TrainInputs& in)
{
    if (!in.model)
        return true;
    const qint64 available = availableMemory_ ? availableMemory_(in.device) : lora::availableMemoryBytes(config.device);
    const MemoryCheck check = checkTrainingMemory(*in.model, config, sequenceLength(in), available);
    refreshMemoryEstimate();
    if (check.fits())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Training may not fit in memory"),
                    tr("This run is estimated to need %1, but %2 has %3 available. It may fail or make the "
                       "computer swap heavily.\n\nA smaller batch size or shorter examples (Data page: max length / "
                       "block size) need less. Start anyway?")
                        .arg(QString::fromStdString(lora::formatMemory(check.needed)),
                             in.device == QLatin1String("cpu") ? tr("this computer") : in.device,
                             QString::fromStdString(lora::formatMemory(check.available))),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setObjectName("memoryWarning");
    box.setDefaultButton(QMessageBox::No);
    box.setInformativeText(check.breakdown);
    return box.exec() == QMessageBox::Yes;
}

void TrainPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refreshMemoryEstimate();
}

void TrainPage::togglePause()
{
    if (run_.state() == TrainingRun::State::Running && !pauseAction_->property("pending").toBool()) {
        run_.pause();
        pauseAction_->setProperty("pending", true);
        status_->setText(tr("Pausing after this step…"));
    } else if (run_.state() == TrainingRun::State::Paused || pauseAction_->property("pending").toBool()) {
        pauseAction_->setProperty("pending", false);
        run_.resume();
        if (run_.state() == TrainingRun::State::Running)
            status_->setText(tr("Training…"));
    }
    updateActions();
}

void TrainPage::stop()
{
    if (run_.state() != TrainingRun::State::Running && run_.state() != TrainingRun::State::Paused)
        return;
    run_.stop();
}

void TrainPage::onStateChanged(TrainingRun::State state)
{
    switch (state) {
    case TrainingRun::State::Idle:
        status_->setText(tr("Ready. Press Start (Ctrl+T) to train."));
        break;
    case TrainingRun::State::Running:
        status_->setText(tr("Training…"));
        break;
    case TrainingRun::State::Paused:
        pauseAction_->setProperty("pending", false);
        status_->setText(tr("Paused at step %1. Resume with Ctrl+P, or stop to save the adapter.")
                             .arg(run_.history().empty() ? 0 : run_.history().back().step));
        break;
    case TrainingRun::State::Stopping:
        status_->setText(tr("Stopping after this step…"));
        break;
    case TrainingRun::State::Finished:
        pauseAction_->setProperty("pending", false);
        break;  // onFinished says how it ended
    }
    updateActions();
}

void TrainPage::updateActions()
{
    const auto state = run_.state();
    const bool active = run_.isActive();
    startAction_->setEnabled(!active);
    const bool pausedOrPending = state == TrainingRun::State::Paused || pauseAction_->property("pending").toBool();
    pauseAction_->setEnabled(state == TrainingRun::State::Running || state == TrainingRun::State::Paused);
    pauseAction_->setText(pausedOrPending ? tr("&Resume") : tr("&Pause"));
    stopAction_->setEnabled(state == TrainingRun::State::Running || state == TrainingRun::State::Paused);
    startButton_->setEnabled(startAction_->isEnabled());
    pauseButton_->setEnabled(pauseAction_->isEnabled());
    pauseButton_->setText(pausedOrPending ? tr("Resume") : tr("Pause"));
    stopButton_->setEnabled(stopAction_->isEnabled());
    for (QWidget* w : std::initializer_list<QWidget*>{steps_, batch_, learningRate_, schedule_, warmup_, weightDecay_,
                                                      evalEvery_, validation_, seed_, output_})
        w->setEnabled(!active);
}

void TrainPage::onMetrics()
{
    charts_->drawNew();
    updateProgress();
}

void TrainPage::updateProgress()
{
    const auto& h = run_.history();
    if (h.empty()) {
        progress_->setRange(0, std::max(1, steps_->value()));
        progress_->setValue(0);
        timing_->setText(tr("elapsed — · remaining —"));
        return;
    }
    const auto& p = h.back();
    progress_->setRange(0, int(std::max<int64_t>(1, p.totalSteps)));
    progress_->setValue(int(p.step));
    timing_->setText(tr("elapsed %1 · remaining %2").arg(duration(p.elapsedSeconds), duration(p.etaSeconds)));
}

void TrainPage::onFinished(const lora::TrainingResult& result)
{
    const QString adapter = QDir::toNativeSeparators(QString::fromStdU16String(result.adapterDir.u16string()));
    const int64_t step = result.finalMetrics ? result.finalMetrics->step : 0;
    switch (result.status) {
    case lora::TrainingStatus::Completed:
        status_->setText(tr("Completed %1 steps; adapter saved to %2").arg(step).arg(adapter));
        banner_->clearMessage();
        break;
    case lora::TrainingStatus::Stopped:
        status_->setText(adapter.isEmpty() ? tr("Stopped at step %1.").arg(step)
                                           : tr("Stopped at step %1; adapter saved to %2").arg(step).arg(adapter));
        banner_->clearMessage();
        break;
    case lora::TrainingStatus::Failed:
        status_->setText(tr("Training failed."));
        banner_->showMessage(MessageBanner::Kind::Error,
                             tr("<b>Training failed.</b> %1<br>Check the settings and the other pages, then press "
                                "Start again.").arg(QString::fromStdString(result.error).toHtmlEscaped()));
        break;
    }
    appendLog(status_->text());
    updateActions();
    Q_EMIT runFinished(result);
}

void TrainPage::appendLog(const QString& line)
{
    log_->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}
