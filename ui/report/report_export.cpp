#include "report/report_export.h"

#include "lora/report.h"
#include "lora/run_store.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>
#include <QtConcurrent>

namespace {

const char* const kFolderKey = "reports/folder";

QString askForFile(QWidget* parent, const QString& suggested)
{
    return QFileDialog::getSaveFileName(parent, QObject::tr("Export Report"), suggested,
                                        QObject::tr("HTML report (*.html)"));
}

}  // namespace

ReportExport::ReportExport(QWidget* parent)
    : QObject(parent),
      parentWidget_(parent),
      chooser_([parent](const QString& suggested) { return askForFile(parent, suggested); }),
      watcher_(new QFutureWatcher<QString>(this))
{
    connect(watcher_, &QFutureWatcher<QString>::finished, this, [this] {
        const QString error = watcher_->result();
        if (showResult_)
            showResult(file_, error);
        Q_EMIT finished(file_, error);
    });
}

bool ReportExport::exportRun(const std::filesystem::path& db, qint64 runId, const QString& baseName)
{
    return start(baseName, [db, runId](const std::filesystem::path& out) {
        const lora::RunStore store(db);
        return lora::writeRunReport(store, runId, out);
    });
}

bool ReportExport::exportSweep(const std::filesystem::path& db, qint64 sweepId, const QString& baseName,
                               const lora::SweepAxes& axes)
{
    return start(baseName, [db, sweepId, axes](const std::filesystem::path& out) {
        const lora::RunStore store(db);
        return lora::writeSweepReport(store, sweepId, out, axes);
    });
}

bool ReportExport::start(const QString& baseName, std::function<size_t(const std::filesystem::path&)> write)
{
    if (busy())
        return false;
    QSettings settings;
    const QString folder = settings.value(kFolderKey, QDir::homePath()).toString();
    QString safeName = baseName;
    // A file name any file system takes: other characters become one dash.
    safeName.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._]+")), QStringLiteral("-"));
    safeName.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
    QString file = chooser_(QDir(folder).filePath(safeName + QStringLiteral(".html")));
    if (file.isEmpty())
        return false;
    if (QFileInfo(file).suffix().isEmpty())
        file += QStringLiteral(".html");
    settings.setValue(kFolderKey, QFileInfo(file).absolutePath());
    file_ = file;
    Q_EMIT started(file);
    const std::filesystem::path out = file.toStdString();
    watcher_->setFuture(QtConcurrent::run([write = std::move(write), out]() -> QString {
        try {
            write(out);
            return {};
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
    }));
    return true;
}

void ReportExport::showResult(const QString& file, const QString& error)
{
    auto* box = new QMessageBox(parentWidget_);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("Export Report"));
    if (!error.isEmpty()) {
        box->setIcon(QMessageBox::Warning);
        box->setText(tr("The report could not be written."));
        box->setInformativeText(error);
        box->addButton(QMessageBox::Close);
    } else {
        box->setIcon(QMessageBox::Information);
        box->setText(tr("Report written to %1").arg(QDir::toNativeSeparators(file)));
        box->setInformativeText(tr("One self-contained HTML file: open it in any browser, or attach it."));
        auto* open = box->addButton(tr("&Open"), QMessageBox::AcceptRole);
        open->setToolTip(tr("Open the report in your web browser"));
        connect(open, &QPushButton::clicked, this, [file] { QDesktopServices::openUrl(QUrl::fromLocalFile(file)); });
        box->addButton(QMessageBox::Close);
    }
    box->open();
}
