#include "compare/full_comparison_dialog.h"

#include "compare/comparison_table.h"
#include "data/bundled_datasets.h"
#include "train/training_defaults.h"

#include "lora/atomic_file.h"
#include "lora/error.h"

#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

#include <csignal>

namespace {

// <run folder>-vs-full, or -vs-full-2, … : never over an earlier comparison.
QString freshFolder(const std::filesystem::path& runFolder)
{
    const QString base = QString::fromStdString(runFolder.string()) + QStringLiteral("-vs-full");
    QString folder = base;
    for (int n = 2; QFileInfo::exists(folder); ++n)
        folder = base + QStringLiteral("-%1").arg(n);
    return folder;
}

// The bundled model learned from datasets/stories, so that is the text whose loss shows what it forgets.
QString defaultCorpus(const lora::TrainingConfig& config)
{
    if (QDir::cleanPath(QString::fromStdString(config.modelDir.string())) == bundledModelFolder())
        return QDir(bundledDatasetsFolder()).filePath(QStringLiteral("stories/stories.txt"));
    return QSettings().value(QStringLiteral("compare/corpus")).toString();
}

}  // namespace

FullComparisonDialog::FullComparisonDialog(lora::TrainingConfig config, std::filesystem::path database,
                                           QWidget* parent)
    : QDialog(parent),
      config_(std::move(config)),
      database_(std::move(database)),
      cli_(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("lora-cli")))
{
    setWindowTitle(tr("LoRA against Full Fine-Tuning"));
    QStringList targets;
    for (const auto& t : config_.lora.targetModules)
        targets << QString::fromStdString(t);
    const QString which = config_.lora.targetRegex ? QString::fromStdString(*config_.lora.targetRegex)
                                                   : targets.join(QStringLiteral(", "));
    auto* intro = new QLabel(
        tr("Trains the Train page's settings twice on the same data: once as LoRA (%1, rank %2) and once as full "
           "fine-tuning of every weight. Each run is its own process, so each peak memory is its own. Both are "
           "recorded in the run history.")
            .arg(which)
            .arg(config_.lora.r));
    intro->setWordWrap(true);

    corpus_ = new QLineEdit(defaultCorpus(config_));
    corpus_->setObjectName(QStringLiteral("corpusEdit"));
    corpus_->setPlaceholderText(tr("none: forgetting is not measured"));
    corpus_->setToolTip(tr("Text the base model already knows well. Its loss before and after training shows how "
                           "much each method forgets (catastrophic forgetting): full fine-tuning moves every "
                           "weight, LoRA leaves them as they were and adds a low-rank update."));
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, &FullComparisonDialog::chooseCorpus);
    auto* corpusRow = new QHBoxLayout;
    corpusRow->addWidget(corpus_, 1);
    corpusRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("Forgetting corpus:"), corpusRow);

    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    status_ = new QLabel(tr("Ready: %1 steps each").arg(config_.maxSteps > 0 ? QString::number(config_.maxSteps)
                                                                              : tr("the configured")));
    status_->setWordWrap(true);
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    log_->setMaximumBlockCount(5000);
    log_->setMinimumHeight(120);
    table_ = new QTableWidget;
    table_->setObjectName(QStringLiteral("comparisonTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setMinimumHeight(250);

    startButton_ = new QPushButton(tr("&Start"));
    startButton_->setDefault(true);
    connect(startButton_, &QPushButton::clicked, this, &FullComparisonDialog::start);
    cancelButton_ = new QPushButton(tr("S&top"));
    cancelButton_->setEnabled(false);
    cancelButton_->setToolTip(tr("Both runs stop after their current step and keep a checkpoint"));
    connect(cancelButton_, &QPushButton::clicked, this, &FullComparisonDialog::cancel);
    auto* close = new QPushButton(tr("Close"));
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(startButton_);
    buttons->addWidget(cancelButton_);
    buttons->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(table_, 1);
    layout->addWidget(log_, 1);
    layout->addLayout(buttons);
    resize(760, 680);

    process_.setProcessChannelMode(QProcess::MergedChannels);
    connect(&process_, &QProcess::readyReadStandardOutput, this, &FullComparisonDialog::readOutput);
    connect(&process_, &QProcess::finished, this, &FullComparisonDialog::onFinished);
    connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(tr("Could not start %1: %2").arg(cli_, process_.errorString()));
    });
}

FullComparisonDialog::~FullComparisonDialog()
{
    if (isRunning()) {  // the window is going away: stop the runs rather than leave them training unseen
        cancel();
        process_.waitForFinished(30000);
    }
}

void FullComparisonDialog::setCorpus(const QString& file) { corpus_->setText(file); }

QString FullComparisonDialog::log() const { return log_->toPlainText(); }

void FullComparisonDialog::chooseCorpus()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Forgetting Corpus"), corpus_->text(),
                                                      tr("Text (*.txt *.md *.jsonl *.csv *.tsv);;All files (*)"));
    if (!file.isEmpty()) {
        corpus_->setText(file);
        QSettings().setValue(QStringLiteral("compare/corpus"), file);
    }
}

void FullComparisonDialog::start()
{
    if (isRunning())
        return;
    const QString corpus = corpus_->text().trimmed();
    if (!corpus.isEmpty() && !QFileInfo(corpus).isFile())
        return fail(tr("The forgetting corpus %1 does not exist; choose a text file or leave it empty.").arg(corpus));
    output_ = freshFolder(config_.outputDir);
    const QString runFile = QDir(output_).filePath(QStringLiteral("run.json"));
    try {
        QDir().mkpath(output_);
        lora::writeFileAtomically(runFile.toStdString(), lora::trainingConfigToJson(config_));
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    QStringList args = {QStringLiteral("compare-full"), QStringLiteral("--config"), runFile,
                        QStringLiteral("--out"), output_, QStringLiteral("--json"),
                        QDir(output_).filePath(QStringLiteral("comparison.json")), QStringLiteral("--name"),
                        QFileInfo(output_).fileName()};
    if (database_.empty())
        args << QStringLiteral("--no-db");
    else
        args << QStringLiteral("--db") << QString::fromStdString(database_.string());
    if (!corpus.isEmpty())
        args << QStringLiteral("--forgetting-corpus") << corpus;
    result_.reset();
    table_->clear();
    log_->clear();
    side_ = -1;
    progress_->setRange(0, 0);  // busy until the first step says how many there are
    status_->setText(tr("Measuring the base model on the forgetting corpus…"));
    startButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    log_->appendPlainText(cli_ + QLatin1Char(' ') + args.join(QLatin1Char(' ')));
    process_.start(cli_, args);
}

void FullComparisonDialog::cancel()
{
    if (!isRunning())
        return;
    // As Ctrl-C: lora-cli passes it on to the run in progress, which stops after its step with a checkpoint.
    ::kill(static_cast<pid_t>(process_.processId()), SIGINT);
    status_->setText(tr("Stopping after the current step…"));
    cancelButton_->setEnabled(false);
}

void FullComparisonDialog::readOutput()
{
    pending_ += process_.readAllStandardOutput();
    static const QRegularExpression stepLine(QStringLiteral("^step (\\d+)/(\\d+)"));
    for (int end; (end = int(pending_.indexOf('\n'))) >= 0;) {
        const QString line = QString::fromUtf8(pending_.left(end)).trimmed();
        pending_.remove(0, end + 1);
        if (line.isEmpty())
            continue;
        log_->appendPlainText(line);
        if (line.startsWith(QStringLiteral("== LoRA run"))) {
            side_ = 0;
            status_->setText(tr("Training with LoRA…"));
        } else if (line.startsWith(QStringLiteral("== full fine-tuning run"))) {
            side_ = 1;
            status_->setText(tr("Training every weight (full fine-tuning)…"));
        } else if (line.startsWith(QStringLiteral("== forgetting corpus: the fine-tuned"))) {
            status_->setText(tr("Measuring what each forgot…"));
        } else if (const auto m = stepLine.match(line); m.hasMatch() && side_ >= 0) {
            const int total = m.captured(2).toInt();
            progress_->setRange(0, 2 * total);
            progress_->setValue(side_ * total + m.captured(1).toInt());
        }
    }
}

void FullComparisonDialog::onFinished(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    startButton_->setEnabled(true);
    cancelButton_->setEnabled(false);
    progress_->setRange(0, 1);
    progress_->setValue(1);
    const QString json = QDir(output_).filePath(QStringLiteral("comparison.json"));
    QFile file(json);
    if (file.open(QIODevice::ReadOnly)) {
        try {
            result_ = lora::fullComparisonFromJson(file.readAll().toStdString(), json.toStdString());
            fillComparisonTable(table_, *result_);
        } catch (const lora::Error& e) {
            log_->appendPlainText(QString::fromUtf8(e.what()));
        }
    }
    const bool ok = status == QProcess::NormalExit && exitCode == 0 && result_.has_value();
    if (ok)
        status_->setText(tr("Done. Both runs are in the run history; their files are in %1.").arg(output_));
    else
        status_->setText(tr("The comparison did not finish (exit code %1); the log below says why.").arg(exitCode));
    Q_EMIT finished(ok);
}

void FullComparisonDialog::fail(const QString& message)
{
    status_->setText(message);
    startButton_->setEnabled(true);
    cancelButton_->setEnabled(false);
    progress_->setRange(0, 1);
    progress_->setValue(0);
    Q_EMIT finished(false);
}

void FullComparisonDialog::closeEvent(QCloseEvent* event)
{
    if (isRunning()) {
        cancel();  // closing stops the runs; the dialog closes once they have kept their checkpoints
        connect(&process_, &QProcess::finished, this, &QDialog::close, Qt::SingleShotConnection);
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}
