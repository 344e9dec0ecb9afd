#pragma once
// "Export Report…" for the Runs and Sweeps pages: asks where to save (the folder is remembered in QSettings
// "reports/folder"), writes the self-contained HTML report off the GUI thread (a run's spectra load its model),
// then says where it went with an Open button. One export at a time.
#include "lora/sweep.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <filesystem>
#include <functional>

class QWidget;

class ReportExport final : public QObject {
    Q_OBJECT
public:
    explicit ReportExport(QWidget* parent);

    // Ask for the file (suggesting `baseName`.html in the remembered folder), then write. Returns false when the
    // user cancelled or an export is running.
    bool exportRun(const std::filesystem::path& db, qint64 runId, const QString& baseName);
    bool exportSweep(const std::filesystem::path& db, qint64 sweepId, const QString& baseName,
                     const lora::SweepAxes& axes = {});

    bool busy() const { return watcher_->isRunning(); }
    // The save dialog; tests replace it. Given the suggested path, returns the chosen one (empty: cancelled).
    void setFileChooser(std::function<QString(const QString&)> chooser) { chooser_ = std::move(chooser); }
    // Whether to show the "Report written — Open" box when done (tests turn it off).
    void setShowResult(bool show) { showResult_ = show; }

Q_SIGNALS:
    void started(const QString& file);
    // `error` empty: the report is in `file`.
    void finished(const QString& file, const QString& error);

private:
    bool start(const QString& baseName, std::function<size_t(const std::filesystem::path&)> write);
    void showResult(const QString& file, const QString& error);

    QWidget* parentWidget_;
    std::function<QString(const QString&)> chooser_;
    bool showResult_ = true;
    QString file_;
    QFutureWatcher<QString>* watcher_;
};
