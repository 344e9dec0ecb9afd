#include "sweep/sweep_page.h"

#include "sweep/pareto_chart.h"
#include "sweep/sweep_builder.h"
#include "sweep/sweep_session.h"
#include "report/report_export.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

SweepPage::SweepPage(std::filesystem::path db, QWidget* parent)
    : QWidget(parent), db_(std::move(db)), session_(new SweepSession(this)), builder_(new SweepBuilder),
      startAction_(new QAction(tr("Start &Sweep"), this)), stopAction_(new QAction(tr("Stop S&weep"), this)),
      resume_(new QPushButton(tr("&Resume"))), exportReportAction_(new QAction(tr("E&xport Report…"), this)),
      report_(new ReportExport(this)), status_(new QLabel), cells_(new QProgressBar), steps_(new QProgressBar),
      log_(new QPlainTextEdit), sweeps_(new QComboBox), costAxis_(new QComboBox), chart_(new ParetoChart)
{
    startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    startAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    startAction_->setToolTip(tr("Record the sweep in the run history and train its runs one after another, with the "
                                "Train page's settings (Ctrl+Return)"));
    stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    stopAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    stopAction_->setToolTip(tr("Stop after the current step, keeping a checkpoint; Resume continues the sweep later "
                               "(Ctrl+Shift+Return)"));
    addAction(startAction_);
    addAction(stopAction_);
    connect(startAction_, &QAction::triggered, this, &SweepPage::startSweep);
    connect(stopAction_, &QAction::triggered, this, &SweepPage::stop);

    auto* buildBox = new QGroupBox(tr("Build a sweep"));
    auto* buildLayout = new QVBoxLayout(buildBox);
    buildLayout->addWidget(builder_);
    auto* buttons = new QHBoxLayout;
    for (auto* action : {startAction_, stopAction_}) {
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        buttons->addWidget(button);
    }
    buttons->addStretch();
    buildLayout->addLayout(buttons);

    auto* progressBox = new QGroupBox(tr("Progress"));
    auto* progressLayout = new QVBoxLayout(progressBox);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cells_->setFormat(tr("run %v of %m"));
    cells_->setToolTip(tr("Runs of the sweep done, the one training included"));
    steps_->setFormat(tr("step %v of %m"));
    steps_->setToolTip(tr("Steps of the run training now"));
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    for (QWidget* w : std::initializer_list<QWidget*>{status_, cells_, steps_, log_})
        progressLayout->addWidget(w);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(buildBox);
    leftLayout->addWidget(progressBox, 1);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    auto* pick = new QHBoxLayout;
    sweeps_->setToolTip(tr("Every sweep in the run history; the chart shows the one chosen here"));
    resume_->setToolTip(tr("Train the chosen sweep's runs that are not completed: a stopped or interrupted run "
                           "continues from its last checkpoint; completed runs are never trained again"));
    costAxis_->addItem(tr("Trainable parameters"), int(lora::SweepCost::TrainableParameters));
    costAxis_->addItem(tr("Adapter MB"), int(lora::SweepCost::AdapterBytes));
    costAxis_->setToolTip(tr("What a run costs on the x axis: the parameters it trains, or the size of its saved "
                             "adapter"));
    costAxis_->setCurrentIndex(QSettings().value("sweep/costAxis", 0).toInt());
    pick->addWidget(new QLabel(tr("Sweep:")));
    pick->addWidget(sweeps_, 1);
    pick->addWidget(resume_);
    exportReportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportReportAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    exportReportAction_->setToolTip(tr("Save the chosen sweep as one HTML file to keep or share (Ctrl+E): every run, "
                                       "the Pareto chart on the x axis chosen here, validation curves, the grid"));
    addAction(exportReportAction_);
    connect(exportReportAction_, &QAction::triggered, this, &SweepPage::exportReport);
    connect(report_, &ReportExport::finished, this, [this](const QString& file, const QString& error) {
        status_->setText(error.isEmpty() ? tr("Report written to %1").arg(file.toHtmlEscaped()) : error.toHtmlEscaped());
    });
    auto* exportButton = new QToolButton;
    exportButton->setDefaultAction(exportReportAction_);
    exportButton->setObjectName("exportSweepReportButton");
    pick->addWidget(exportButton);
    pick->addWidget(new QLabel(tr("x:")));
    pick->addWidget(costAxis_);
    rightLayout->addLayout(pick);
    rightLayout->addWidget(chart_, 1);

    auto* split = new QSplitter;
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    builder_->restoreSettings(QSettings());
    connect(builder_, &SweepBuilder::changed, this, [this] {
        QSettings settings;
        builder_->saveSettings(settings);
        updateActions();
    });
    connect(chart_, &ParetoChart::runClicked, this, &SweepPage::runClicked);
    connect(sweeps_, &QComboBox::activated, this, [this](int index) { showSweep(sweeps_->itemData(index).toLongLong()); });
    connect(costAxis_, &QComboBox::currentIndexChanged, this, [this](int index) {
        QSettings().setValue("sweep/costAxis", index);
        reload();
    });
    connect(resume_, &QPushButton::clicked, this, [this] { resumeSweep(shownSweep()); });
    connect(&watcher_, &QFutureWatcher<Snapshot>::finished, this, &SweepPage::onLoaded);
    connect(session_, &SweepSession::cellStarted, this, &SweepPage::onCellStarted);
    connect(session_, &SweepSession::logMessage, this, &SweepPage::appendLog);
    connect(session_->run(), &TrainingRun::metricsUpdated, this, &SweepPage::onMetrics);
    connect(session_, &SweepSession::cellFinished, this, [this](qint64 runId, const lora::TrainingResult& result) {
        appendLog(tr("Run %1 %2%3")
                      .arg(runId)
                      .arg(QString::fromStdString(lora::statusName(result.status)))
                      .arg(result.error.empty() ? QString() : QStringLiteral(": ") + QString::fromStdString(result.error)));
        reload();
    });
    connect(session_, &SweepSession::finished, this, &SweepPage::onFinished);
    updateActions();
    reload();
}

SweepPage::~SweepPage()
{
    if (watcher_.isRunning())
        watcher_.waitForFinished();
}

void SweepPage::setModelDescription(const lora::ModelDescription& model)
{
    model_ = model;
    builder_->setModelDescription(model);
}

bool SweepPage::isRunning() const { return session_->isActive(); }
QString SweepPage::statusText() const { return status_->text(); }
qint64 SweepPage::shownSweep() const { return sweeps_->currentIndex() >= 0 ? sweeps_->currentData().toLongLong() : 0; }

lora::SweepCost SweepPage::cost() const { return lora::SweepCost(costAxis_->currentData().toInt()); }

bool SweepPage::startSweep()
{
    if (isRunning())
        return false;
    const auto grid = builder_->grid();
    if (!grid || builder_->plan().empty() || !model_) {
        status_->setText(!model_ ? tr("Load a model first (Model page).")
                                 : tr("The sweep is not ready: %1").arg(builder_->problem()));
        return false;
    }
    const auto base = baseConfig_ ? baseConfig_() : std::nullopt;
    if (!base) {
        status_->setText(tr("The Train page cannot start a run yet: its message says what is missing."));
        return false;
    }
    lora::SweepSpec spec;
    spec.grid = *grid;
    spec.base = *base;
    spec.base.maxSteps = builder_->steps();
    if (!(spec.base.validationFraction > 0)) {
        spec.base.validationFraction = 0.1;
        appendLog(tr("The Train page holds out no validation data; the sweep holds out 10% to compare its runs."));
    }
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    spec.name = builder_->name().isEmpty() ? QStringLiteral("sweep %1").arg(stamp).toStdString() : builder_->name().toStdString();
    spec.base.outputDir = base->outputDir.parent_path() / ("sweep-" + stamp.toStdString());
    qint64 id = 0;
    try {
        const auto cells = lora::planSweep(spec, *model_);
        lora::RunStore store(db_);
        id = lora::createSweep(store, spec, cells);
    } catch (const std::exception& e) {
        status_->setText(tr("The sweep was not started: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    log_->clear();
    appendLog(tr("Sweep %1 recorded; its runs write into %2")
                  .arg(id)
                  .arg(QString::fromStdU16String(spec.base.outputDir.u16string())));
    return resumeSweep(id);
}

bool SweepPage::resumeSweep(qint64 sweepId)
{
    if (isRunning() || sweepId <= 0)
        return false;
    QString error;
    if (!session_->start(db_, sweepId, &error)) {
        status_->setText(tr("Sweep %1 cannot run: %2").arg(sweepId).arg(error));
        return false;
    }
    wanted_ = sweepId;
    updateActions();
    if (session_->isActive()) {
        cells_->setRange(0, session_->count());
        reload();
    }
    return true;
}

void SweepPage::stop()
{
    if (!isRunning())
        return;
    session_->stop();
    status_->setText(tr("Stopping after this step…"));
}

void SweepPage::onCellStarted(qint64 runId, int position, int count, const QString& name)
{
    cells_->setRange(0, count);
    cells_->setValue(position);
    steps_->setRange(0, int(std::max<int64_t>(1, session_->currentCell() ? session_->currentCell()->config.maxSteps : 1)));
    steps_->setValue(0);
    status_->setText(tr("Sweep %1: run %2 of %3 — %4").arg(session_->sweepId()).arg(position).arg(count).arg(name.toHtmlEscaped()));
    appendLog(tr("Run %1: %2").arg(runId).arg(name));
}

void SweepPage::onMetrics()
{
    const auto& history = session_->run()->history();
    if (!history.empty())
        steps_->setValue(int(history.back().step));
}

void SweepPage::onFinished(const QString& status, const QString& error)
{
    status_->setText(error.isEmpty() ? tr("Sweep %1 %2.").arg(session_->sweepId()).arg(status)
                                     : tr("Sweep %1 ended: %2").arg(session_->sweepId()).arg(error));
    appendLog(status_->text());
    updateActions();
    reload();
    Q_EMIT sweepFinished(status);
}

void SweepPage::exportReport()
{
    const qint64 id = shownSweep();
    if (id <= 0) {
        status_->setText(tr("No sweep to export yet."));
        return;
    }
    lora::SweepAxes axes;
    axes.cost = cost();
    report_->exportSweep(db_, id, QStringLiteral("sweep-%1-%2").arg(id).arg(sweeps_->currentText()), axes);
}

void SweepPage::updateActions()
{
    const bool running = isRunning();
    startAction_->setEnabled(!running && builder_->grid().has_value());
    stopAction_->setEnabled(running);
    resume_->setEnabled(!running && sweeps_->count() > 0);
    exportReportAction_->setEnabled(sweeps_->count() > 0);
}

void SweepPage::appendLog(const QString& line)
{
    // Follow the end unless the user scrolled up to read. appendPlainText alone loses the end once wrapped lines
    // re-lay out the (block-counting) scroll range while the page is hidden behind another tab.
    QScrollBar* bar = log_->verticalScrollBar();
    const bool following = bar->value() >= bar->maximum() - 1;
    log_->appendPlainText(line);
    if (following) {
        log_->moveCursor(QTextCursor::End);
        log_->ensureCursorVisible();
    }
}

void SweepPage::setDatabase(std::filesystem::path db)
{
    // A running sweep keeps recording where it started; its queue holds its own connection.
    db_ = std::move(db);
    reload();
}

void SweepPage::reload()
{
    if (watcher_.isRunning())
        watcher_.waitForFinished();
    watcher_.setFuture(QtConcurrent::run(&SweepPage::read, db_, wanted_ ? wanted_ : shownSweep(), cost()));
}

void SweepPage::showSweep(qint64 sweepId)
{
    wanted_ = sweepId;
    reload();
}

SweepPage::Snapshot SweepPage::read(const std::filesystem::path& db, qint64 wanted, lora::SweepCost cost)
{
    Snapshot s;
    try {
        lora::RunStore store(db);
        s.sweeps = store.sweeps();
        s.shown = wanted;
        if (!s.shown && !s.sweeps.empty())
            s.shown = s.sweeps.front().id;
        if (s.shown)
            s.results = lora::sweepResults(store, s.shown, {cost, {}});
    } catch (const std::exception& e) {
        s.error = QString::fromUtf8(e.what());
    }
    return s;
}

void SweepPage::onLoaded()
{
    const Snapshot s = watcher_.result();
    if (!s.error.isEmpty())
        status_->setText(s.error);
    sweeps_->clear();
    for (const auto& sweep : s.sweeps) {
        sweeps_->addItem(tr("%1 · %2 · %3")
                             .arg(sweep.id)
                             .arg(QString::fromStdString(sweep.name))
                             .arg(QString::fromStdString(lora::runStatusName(sweep.status))),
                         qint64(sweep.id));
    }
    sweeps_->setCurrentIndex(sweeps_->findData(s.shown));
    if (s.shown)
        chart_->setResults(s.results, cost());
    else
        chart_->clearResults();
    updateActions();
    Q_EMIT loaded();
}
