#include "runs/runs_page.h"
#include "plural.h"

#include "data/message_banner.h"
#include "runs/config_diff.h"
#include "runs/run_database.h"
#include "runs/run_curves.h"
#include "runs/runs_model.h"

#include "lora/run_files.h"
#include "report/report_export.h"

#include <QAction>
#include <QDesktopServices>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace {

RunStoreProblem problemOf(const lora::StoreError& e)
{
    return {QString::fromUtf8(e.what()), e.file(), e.freshPath()};
}

QString pathString(const std::filesystem::path& p) { return QString::fromStdU16String(p.u16string()); }

}  // namespace

// Every worker opens its own connection: SQLite connections stay on the thread that made them. Errors come back
// as values: QtConcurrent would wrap a plain std::exception and lose its message.
struct RunsPage::LoadedRuns {
    std::vector<lora::RunRecord> runs;
    std::optional<RunStoreProblem> problem;
    QString error;
};

struct RunsPage::LoadedSelection {
    std::vector<RunCurveData> data;
    QString error;
};

RunsPage::RunsPage(RunDatabase* database, QWidget* parent)
    : QWidget(parent),
      database_(database),
      model_(new RunsModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      table_(new QTableView),
      filter_(new QLineEdit),
      status_(new QLabel),
      banner_(new MessageBanner),
      newDatabase_(new QPushButton(tr("Start a &New Database"))),
      openDatabase_(new QPushButton(tr("Open Run &Database…"))),
      curves_(new RunCurves),
      diff_(new ConfigDiff),
      report_(new ReportExport(this)),
      exportReportAction_(new QAction(tr("Export Report…"), this)),
      runsWatcher_(new QFutureWatcher<LoadedRuns>(this)),
      selectionWatcher_(new QFutureWatcher<LoadedSelection>(this))
{
    build();
}

RunsPage::RunsPage(std::filesystem::path db, QWidget* parent) : RunsPage(new RunDatabase(std::move(db)), parent)
{
    database_->setParent(this);
}

void RunsPage::build()
{
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(Qt::EditRole);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(-1);  // any column: name, status, model, tags...
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunsModel::Id, Qt::DescendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    filter_->setPlaceholderText(tr("Filter runs (name, status, model, tags…)"));
    filter_->setClearButtonEnabled(true);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);

    // Shown only when the database cannot be used.
    newDatabase_->setObjectName("newDatabaseButton");
    newDatabase_->setToolTip(tr("Go on with an empty run database beside this one. The file that failed is left "
                                "exactly as it is, so nothing in it is lost; open it again later with File → Open "
                                "Run Database…"));
    openDatabase_->setObjectName("openDatabaseButton");
    openDatabase_->setToolTip(tr("Use another run database file (lora-cli's --db FILE, or a copy from another "
                                 "machine)"));
    connect(newDatabase_, &QPushButton::clicked, this, &RunsPage::startNewDatabase);
    connect(openDatabase_, &QPushButton::clicked, this, &RunsPage::chooseDatabase);
    auto* problemRow = new QHBoxLayout;
    problemRow->addWidget(banner_, 1);
    problemRow->addWidget(newDatabase_);
    problemRow->addWidget(openDatabase_);
    banner_->setObjectName("runsBanner");
    showProblem(std::nullopt);

    auto* buttons = new QHBoxLayout;
    auto button = [&](const QString& text, const QString& tip, void (RunsPage::*slot)()) {
        auto* b = new QPushButton(text);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        buttons->addWidget(b);
        return b;
    };
    oneRunButtons_ << button(tr("Re&name…"), tr("Give the selected run a name of your own"), &RunsPage::askRename);
    oneRunButtons_ << button(tr("&Tags…"), tr("Tag the selected run; the filter finds runs by tag"),
                             &RunsPage::askTags);
    oneRunButtons_ << button(tr("N&otes…"), tr("Write down what this run tried and what you learnt from it"),
                             &RunsPage::askNotes);
    deleteButton_ = button(tr("&Delete…"),
                           tr("Remove the selected runs from the history (and, if you say so, their folders)"),
                           &RunsPage::askDelete);
    deleteButton_->setObjectName("deleteButton");
    oneRunButtons_ << button(tr("Open &Folder"),
                             tr("Show the run's output folder: the adapter, checkpoints and metrics.jsonl"),
                             &RunsPage::openFolder);
    oneRunButtons_ << button(tr("Run &Again"),
                             tr("Load this run's settings into the Model, Data, Adapter and Train pages; change what "
                                "you want to try, then press Train"),
                             &RunsPage::runAgain);
    oneRunButtons_.back()->setObjectName("runAgainButton");
    oneRunButtons_ << button(tr("&Resume"),
                             tr("Continue an interrupted, stopped or failed run in this window from its last "
                                "checkpoint; its metrics go on in the same run"),
                             &RunsPage::resume);
    oneRunButtons_.back()->setObjectName("resumeButton");
    // Ctrl+E works wherever the focus is on this page, not in the other pages (Try it has Ctrl+Shift+E).
    exportReportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportReportAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(exportReportAction_);
    connect(exportReportAction_, &QAction::triggered, this, &RunsPage::exportReport);
    connect(report_, &ReportExport::finished, this, [this](const QString& file, const QString& error) {
        status_->setText(error.isEmpty() ? tr("Report written to %1").arg(QDir::toNativeSeparators(file)) : error);
    });
    oneRunButtons_ << button(tr("E&xport Report…"),
                             tr("Save the selected run as one HTML file to keep or share (Ctrl+E): summary, "
                                "configuration, loss and learning-rate curves, parameter budget per layer and module, "
                                "and the spectra of its adapter's ΔW"),
                             &RunsPage::exportReport);
    oneRunButtons_.back()->setObjectName("exportReportButton");
    buttons->addStretch(1);
    button(tr("Re&load"), tr("Read the run database again (runs from lora-cli appear too)"), &RunsPage::reload);

    // The selected runs' curves and their configs side by side: what changed next to what it did.
    auto* compare = new QSplitter(Qt::Horizontal);
    compare->addWidget(curves_);
    compare->addWidget(diff_);
    compare->setStretchFactor(0, 3);
    compare->setStretchFactor(1, 2);
    diff_->setToolTip(tr("The selected runs' settings side by side; the settings that differ are highlighted"));
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(filter_);
    topLayout->addWidget(table_, 1);
    topLayout->addLayout(buttons);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(compare);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setSizes({1000, 2000});  // proportions: the comparison gets two thirds
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(problemRow);
    layout->addWidget(split, 1);
    layout->addWidget(status_);

    connect(runsWatcher_, &QFutureWatcher<LoadedRuns>::finished, this, [this] {
        const QList<qint64> keep = selectedRunIds();
        LoadedRuns result = runsWatcher_->result();
        showProblem(result.problem);
        if (result.problem || !result.error.isEmpty()) {
            error_ = result.problem ? result.problem->message : result.error;
            model_->setRuns({});
            status_->setText(error_);
        } else {
            error_.clear();
            model_->setRuns(std::move(result.runs));
            table_->resizeColumnsToContents();
            const QString count = tr("%1 in %2").arg(countOf(qint64(model_->runs().size()), tr("run"), tr("runs")),
                                                      pathString(database()));
            status_->setText(notice_.isEmpty() ? count : count + QStringLiteral(" — ") + notice_);
        }
        selectRuns(keep);
        Q_EMIT loaded();
    });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::loadSelection);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::updateActions);
    connect(proxy_, &QAbstractItemModel::modelReset, this, &RunsPage::updateActions);
    updateActions();
    connect(selectionWatcher_, &QFutureWatcher<LoadedSelection>::finished, this, [this] {
        LoadedSelection result = selectionWatcher_->result();
        if (!result.error.isEmpty()) {
            error_ = result.error;
            status_->setText(error_);
        }
        std::vector<lora::RunRecord> runs;
        for (const auto& d : result.data)
            runs.push_back(d.run);
        diff_->setRuns(runs);
        curves_->setRuns(std::move(result.data));
        Q_EMIT selectionLoaded();
    });
    connect(database_, &RunDatabase::pathChanged, this, &RunsPage::reload);
    reload();
}

RunsPage::~RunsPage()
{
    runsWatcher_->waitForFinished();
    selectionWatcher_->waitForFinished();
}

const std::filesystem::path& RunsPage::database() const { return database_->path(); }

void RunsPage::reload()
{
    if (runsWatcher_->isRunning())
        runsWatcher_->waitForFinished();
    runsWatcher_->setFuture(QtConcurrent::run([db = database()]() -> LoadedRuns {
        try {
            return {lora::RunStore(db).runs(), std::nullopt, {}};
        } catch (const lora::StoreError& e) {
            return {{}, problemOf(e), {}};
        } catch (const std::exception& e) {
            return {{}, std::nullopt, QString::fromUtf8(e.what())};
        }
    }));
}

void RunsPage::showProblem(const std::optional<RunStoreProblem>& problem)
{
    problem_ = problem;
    if (problem) {
        banner_->showMessage(MessageBanner::Kind::Error,
                             tr("<b>The run history cannot be used.</b> %1<br>Start a new database to go on "
                                "recording runs (this file stays as it is), or open another run database.")
                                 .arg(problem->message.toHtmlEscaped()));
        banner_->show();
    } else {
        banner_->clearMessage();
        banner_->hide();
    }
    newDatabase_->setVisible(bool(problem));
    openDatabase_->setVisible(bool(problem));
}

void RunsPage::startNewDatabase()
{
    if (!problem_)
        return;
    const auto fresh = problem_->freshPath.empty() ? lora::RunStore::freshPathBeside(database()) : problem_->freshPath;
    database_->setPath(fresh);  // reloads through pathChanged
}

void RunsPage::chooseDatabase()
{
    const QString start = pathString(database().parent_path());
    const QString file = QFileDialog::getSaveFileName(this, tr("Open Run Database"), start,
                                                      tr("Run databases (*.sqlite *.db);;All files (*)"), nullptr,
                                                      QFileDialog::DontConfirmOverwrite);
    if (!file.isEmpty())
        database_->setPath(std::filesystem::path(file.toStdU16String()));
}

QList<qint64> RunsPage::selectedRunIds() const
{
    QList<qint64> ids;
    for (const auto& index : table_->selectionModel()->selectedRows())
        ids << index.data(RunsModel::kRunIdRole).toLongLong();
    std::sort(ids.begin(), ids.end());
    return ids;
}

void RunsPage::selectRuns(const QList<qint64>& ids)
{
    QItemSelection selection;
    for (int row = 0; row < proxy_->rowCount(); ++row) {
        const auto index = proxy_->index(row, 0);
        if (ids.contains(index.data(RunsModel::kRunIdRole).toLongLong()))
            selection.select(index, proxy_->index(row, RunsModel::Count - 1));
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (selection.isEmpty())
        loadSelection();
}

void RunsPage::updateActions()
{
    const auto count = selectedRunIds().size();
    for (auto* b : std::as_const(oneRunButtons_))
        b->setEnabled(count == 1);
    deleteButton_->setEnabled(count > 0);
}

void RunsPage::loadSelection()
{
    std::vector<lora::RunRecord> runs;
    for (qint64 id : selectedRunIds())
        if (const auto* r = model_->runById(id))
            runs.push_back(*r);
    if (selectionWatcher_->isRunning())
        selectionWatcher_->waitForFinished();
    selectionWatcher_->setFuture(QtConcurrent::run([db = database(), runs]() -> LoadedSelection {
        LoadedSelection out;
        if (runs.empty())
            return out;
        try {
            lora::RunStore store(db);
            for (const auto& r : runs)
                out.data.push_back({r, store.metrics(r.id)});
        } catch (const std::exception& e) {
            out.error = QString::fromUtf8(e.what());
        }
        return out;
    }));
}

void RunsPage::edit(std::function<QString(lora::RunStore&)> change)
{
    notice_.clear();
    auto* watcher = new QFutureWatcher<std::pair<QString, QString>>(this);
    connect(watcher, &QFutureWatcher<std::pair<QString, QString>>::finished, this, [this, watcher] {
        const auto [problem, notice] = watcher->result();
        watcher->deleteLater();
        notice_ = notice;
        if (!problem.isEmpty()) {
            error_ = problem;
            status_->setText(problem);
        }
        reload();
    });
    watcher->setFuture(QtConcurrent::run([db = database(), change = std::move(change)]() -> std::pair<QString, QString> {
        try {
            lora::RunStore store(db);
            return {QString(), change(store)};
        } catch (const std::exception& e) {
            return {QString::fromUtf8(e.what()), QString()};
        }
    }));
}

void RunsPage::renameRun(qint64 id, const QString& name)
{
    edit([id, name = name.toStdString()](lora::RunStore& s) {
        s.rename(id, name);
        return QString();
    });
}

void RunsPage::setRunTags(qint64 id, const QStringList& tags)
{
    std::vector<std::string> list;
    for (const auto& t : tags)
        if (!t.trimmed().isEmpty())
            list.push_back(t.trimmed().toStdString());
    edit([id, list](lora::RunStore& s) {
        s.setTags(id, list);
        return QString();
    });
}

void RunsPage::setRunNotes(qint64 id, const QString& notes)
{
    edit([id, notes = notes.toStdString()](lora::RunStore& s) {
        s.setNotes(id, notes);
        return QString();
    });
}

void RunsPage::deleteRun(qint64 id, bool withFiles)
{
    const auto* run = model_->runById(id);
    const std::string folder = run && withFiles ? run->outputDir : std::string();
    edit([id, folder](lora::RunStore& s) {
        s.deleteRun(id);
        if (folder.empty())
            return QString();
        // Only what the run wrote: the folder may hold the user's own files too (lora/run_files.h).
        const auto removal = lora::removeRunFiles(folder);
        if (removal.leftAlone.empty())
            return QString();
        QStringList names;
        for (const auto& p : removal.leftAlone)
            names << QString::fromStdString(p.filename().string());
        return tr("kept %1 in %2 that the run did not write: %3")
            .arg(countOf(qint64(names.size()), tr("item"), tr("items")), QString::fromStdString(folder),
                 names.mid(0, 5).join(QStringLiteral(", ")) + (names.size() > 5 ? QStringLiteral(", …") : QString()));
    });
}

void RunsPage::askRename()
{
    const auto ids = selectedRunIds();
    const auto* run = ids.size() == 1 ? model_->runById(ids.first()) : nullptr;
    if (!run)
        return;
    bool ok = false;
    const auto name = QInputDialog::getText(this, tr("Rename Run"), tr("Name:"), QLineEdit::Normal,
                                            QString::fromStdString(run->name), &ok);
    if (ok)
        renameRun(run->id, name);
}

void RunsPage::askTags()
{
    const auto ids = selectedRunIds();
    const auto* run = ids.size() == 1 ? model_->runById(ids.first()) : nullptr;
    if (!run)
        return;
    QStringList current;
    for (const auto& t : run->tags)
        current << QString::fromStdString(t);
    bool ok = false;
    const auto text = QInputDialog::getText(this, tr("Tags"), tr("Tags, separated by commas:"), QLineEdit::Normal,
                                            current.join(", "), &ok);
    if (ok)
        setRunTags(run->id, text.split(','));
}

void RunsPage::askNotes()
{
    const auto ids = selectedRunIds();
    const auto* run = ids.size() == 1 ? model_->runById(ids.first()) : nullptr;
    if (!run)
        return;
    bool ok = false;
    const auto text = QInputDialog::getMultiLineText(this, tr("Notes"), tr("Notes on this run:"),
                                                     QString::fromStdString(run->notes), &ok);
    if (ok)
        setRunNotes(run->id, text);
}

void RunsPage::askDelete()
{
    for (qint64 id : selectedRunIds()) {
        const auto* run = model_->runById(id);
        if (!run)
            continue;
        QMessageBox box(QMessageBox::Warning, tr("Delete Run"),
                        tr("Delete run #%1 “%2” from the history?").arg(id).arg(QString::fromStdString(run->name)),
                        QMessageBox::NoButton, this);
        auto* withFiles = run->outputDir.empty()
                              ? nullptr
                              : box.addButton(tr("Delete Run and Its Folder"), QMessageBox::DestructiveRole);
        if (withFiles)
            box.setInformativeText(tr("Its output folder is %1. The checkpoints, adapter and metrics the run wrote "
                                      "are deleted; anything else in the folder is kept.")
                                       .arg(QString::fromStdString(run->outputDir)));
        auto* only = box.addButton(tr("Delete Run Only"), QMessageBox::AcceptRole);
        box.addButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() == withFiles || box.clickedButton() == only)
            deleteRun(id, box.clickedButton() == withFiles);
    }
}

void RunsPage::openFolder()
{
    for (qint64 id : selectedRunIds())
        if (const auto* run = model_->runById(id); run && !run->outputDir.empty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(QString::fromStdString(run->outputDir)));
}

void RunsPage::runAgain()
{
    const auto ids = selectedRunIds();
    if (ids.size() != 1) {
        status_->setText(tr("Select one run to run again."));
        return;
    }
    if (const auto* run = model_->runById(ids.first()))
        Q_EMIT runAgainRequested(*run);
}

void RunsPage::exportReport()
{
    const auto ids = selectedRunIds();
    const auto* run = ids.size() == 1 ? model_->runById(ids.first()) : nullptr;
    if (!run) {
        status_->setText(tr("Select one run to export its report."));
        return;
    }
    if (report_->busy()) {
        status_->setText(tr("A report is being written; wait for it to finish."));
        return;
    }
    if (report_->exportRun(database(), run->id, QStringLiteral("run-%1-%2").arg(run->id).arg(QString::fromStdString(run->name))))
        status_->setText(tr("Writing the report of run #%1…").arg(run->id));
}

void RunsPage::resume()
{
    const auto ids = selectedRunIds();
    const auto* run = ids.size() == 1 ? model_->runById(ids.first()) : nullptr;
    if (!run) {
        status_->setText(tr("Select one run to resume."));
        return;
    }
    if (run->status == lora::RunStatus::Completed || run->status == lora::RunStatus::Running ||
        run->status == lora::RunStatus::Queued) {
        status_->setText(tr("Run #%1 is %2; only interrupted, stopped or failed runs are resumed. Run Again starts "
                            "it anew.")
                             .arg(run->id)
                             .arg(QString::fromStdString(lora::runStatusName(run->status))));
        return;
    }
    Q_EMIT resumeRequested(*run);
}
