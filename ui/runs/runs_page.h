#pragma once
// The Runs page: every run of the session's run database (RunDatabase) in a sortable, filterable table; the
// selected runs' curves overlaid and their configs side by side. Rename, tag, note, delete (with the output
// folder, after asking), open the output folder; "Run Again" and "Resume" ask the window to load a run's config
// into the pages, or to continue it in-app from its last checkpoint. A locked or corrupt database is said in
// the page, naming the file, with the ways on: start a new database beside it (the old file is left untouched)
// or open another. The database is read and written off the GUI thread.
#include "lora/run_store.h"

#include <QFutureWatcher>
#include <QWidget>

#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

class ConfigDiff;
class MessageBanner;
class QAction;
class ReportExport;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class RunCurves;
class RunDatabase;
class RunsModel;
struct RunCurveData;

// Why the run database cannot be used, as StoreError says it.
struct RunStoreProblem {
    QString message;
    std::filesystem::path file;
    std::filesystem::path freshPath;  // a new database beside it
};

class RunsPage final : public QWidget {
    Q_OBJECT
public:
    explicit RunsPage(RunDatabase* database, QWidget* parent = nullptr);
    // A page over `db` alone (tests, tools): its own RunDatabase.
    explicit RunsPage(std::filesystem::path db, QWidget* parent = nullptr);
    ~RunsPage() override;

    const std::filesystem::path& database() const;
    RunDatabase* runDatabase() const { return database_; }
    void reload();
    void selectRuns(const QList<qint64>& ids);
    QList<qint64> selectedRunIds() const;

    // Edits, applied off the GUI thread, then the table reloads.
    void renameRun(qint64 id, const QString& name);
    void setRunTags(qint64 id, const QStringList& tags);
    void setRunNotes(qint64 id, const QString& notes);
    void deleteRun(qint64 id, bool withFiles);

    // The ways on from a database that cannot be used: a new file beside it (the old one untouched), or another.
    void startNewDatabase();
    void chooseDatabase();
    const std::optional<RunStoreProblem>& problem() const { return problem_; }

    RunsModel* model() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QTableView* table() const { return table_; }
    QLineEdit* filter() const { return filter_; }
    RunCurves* curves() const { return curves_; }
    ConfigDiff* configDiff() const { return diff_; }
    MessageBanner* banner() const { return banner_; }
    QString lastError() const { return error_; }
    QString lastNotice() const { return notice_; }  // what the last edit left to say, e.g. files it did not delete
    // Export Report… (Ctrl+E): the selected run as one self-contained HTML file.
    QAction* exportReportAction() const { return exportReportAction_; }
    ReportExport* reportExport() const { return report_; }

Q_SIGNALS:
    void loaded();           // the table holds the database's runs (or lastError() says why not)
    void selectionLoaded();  // curves and config diff show the selected runs
    void runAgainRequested(const lora::RunRecord& run);  // load its config into the pages
    void resumeRequested(const lora::RunRecord& run);    // continue it from its last checkpoint

private:
    void build();
    // Runs change off the GUI thread, then the table reloads; change returns a notice for the status line or "".
    void edit(std::function<QString(lora::RunStore&)> change);
    void loadSelection();
    // Buttons that act on one run are enabled with exactly one selected; Delete with any.
    void updateActions();
    void showProblem(const std::optional<RunStoreProblem>& problem);
    void askRename();
    void askTags();
    void askNotes();
    void askDelete();
    void openFolder();
    void runAgain();
    void resume();
    void exportReport();

    RunDatabase* database_;
    RunsModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QLineEdit* filter_;
    QLabel* status_;
    MessageBanner* banner_;
    QPushButton* newDatabase_;
    QList<QPushButton*> oneRunButtons_;
    QPushButton* deleteButton_ = nullptr;
    QPushButton* openDatabase_;
    RunCurves* curves_;
    ConfigDiff* diff_;
    ReportExport* report_;
    QAction* exportReportAction_;
    QString error_;
    QString notice_;
    std::optional<RunStoreProblem> problem_;
    struct LoadedRuns;
    struct LoadedSelection;
    QFutureWatcher<LoadedRuns>* runsWatcher_;
    QFutureWatcher<LoadedSelection>* selectionWatcher_;
};
