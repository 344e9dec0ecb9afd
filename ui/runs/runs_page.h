#pragma once
// The Runs page: every run of the run database in a sortable, filterable table; the selected runs' curves
// overlaid and their configs side by side. Rename, tag, note, delete (with the output folder, after asking), open
// the output folder, run again with the same config, resume an interrupted run (both through lora-cli, so the run
// is recorded as any other). The database is read and written off the GUI thread.
#include "lora/run_store.h"

#include <QFutureWatcher>
#include <QWidget>

#include <filesystem>
#include <functional>
#include <vector>

class ConfigDiff;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class RunCurves;
class RunsModel;
struct RunCurveData;

class RunsPage final : public QWidget {
    Q_OBJECT
public:
    explicit RunsPage(std::filesystem::path db = lora::RunStore::defaultPath(), QWidget* parent = nullptr);
    ~RunsPage() override;

    const std::filesystem::path& database() const { return db_; }
    void reload();
    void selectRuns(const QList<qint64>& ids);
    QList<qint64> selectedRunIds() const;

    // Edits, applied off the GUI thread, then the table reloads.
    void renameRun(qint64 id, const QString& name);
    void setRunTags(qint64 id, const QStringList& tags);
    void setRunNotes(qint64 id, const QString& notes);
    void deleteRun(qint64 id, bool withFiles);

    RunsModel* model() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QTableView* table() const { return table_; }
    QLineEdit* filter() const { return filter_; }
    RunCurves* curves() const { return curves_; }
    ConfigDiff* configDiff() const { return diff_; }
    QString lastError() const { return error_; }

Q_SIGNALS:
    void loaded();           // the table holds the database's runs (or lastError() says why not)
    void selectionLoaded();  // curves and config diff show the selected runs

private:
    void edit(std::function<void(lora::RunStore&)> change);
    void loadSelection();
    void askRename();
    void askTags();
    void askNotes();
    void askDelete();
    void openFolder();
    void launchCli(const QStringList& arguments);

    std::filesystem::path db_;
    RunsModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QLineEdit* filter_;
    QLabel* status_;
    RunCurves* curves_;
    ConfigDiff* diff_;
    QString error_;
    QFutureWatcher<std::vector<lora::RunRecord>> runsWatcher_;
    QFutureWatcher<std::vector<RunCurveData>> selectionWatcher_;
};
