#include "runs/runs_page.h"

#include "runs/config_diff.h"
#include "runs/run_curves.h"
#include "runs/runs_model.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryFile>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace {

// Every worker opens its own connection: SQLite connections stay on the thread that made them.
std::vector<lora::RunRecord> readRuns(const std::filesystem::path& db) { return lora::RunStore(db).runs(); }

}  // namespace

RunsPage::RunsPage(std::filesystem::path db, QWidget* parent)
    : QWidget(parent),
      db_(std::move(db)),
      model_(new RunsModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      table_(new QTableView),
      filter_(new QLineEdit),
      status_(new QLabel),
      curves_(new RunCurves),
      diff_(new ConfigDiff)
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

    auto* buttons = new QHBoxLayout;
    auto button = [&](const QString& text, void (RunsPage::*slot)()) {
        auto* b = new QPushButton(text);
        connect(b, &QPushButton::clicked, this, slot);
        buttons->addWidget(b);
        return b;
    };
    button(tr("Re&name…"), &RunsPage::askRename);
    button(tr("&Tags…"), &RunsPage::askTags);
    button(tr("N&otes…"), &RunsPage::askNotes);
    button(tr("&Delete…"), &RunsPage::askDelete);
    button(tr("Open &Folder"), &RunsPage::openFolder);
    auto* again = new QPushButton(tr("Run &Again"));
    auto* resume = new QPushButton(tr("&Resume"));
    resume->setToolTip(tr("Continue an interrupted or stopped run from its last checkpoint"));
    buttons->addWidget(again);
    buttons->addWidget(resume);
    buttons->addStretch(1);
    auto* refresh = new QPushButton(tr("Re&load"));
    buttons->addWidget(refresh);
    connect(refresh, &QPushButton::clicked, this, &RunsPage::reload);
    connect(again, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() != 1)
            return;
        const auto* run = model_->runById(ids.first());
        QTemporaryFile config(QDir::tempPath() + "/lora-run-XXXXXX.json");
        config.setAutoRemove(false);
        if (!run || !config.open())
            return;
        config.write(QByteArray::fromStdString(run->configJson));
        config.close();
        launchCli({"train", "--config", config.fileName(), "--name", QString::fromStdString(run->name) + " (again)"});
    });
    connect(resume, &QPushButton::clicked, this, [this] {
        for (qint64 id : selectedRunIds())
            launchCli({"runs", "resume", QString::number(id)});
    });

    auto* tabs = new QTabWidget;
    tabs->addTab(curves_, tr("Curves"));
    tabs->addTab(diff_, tr("Config diff"));
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(filter_);
    topLayout->addWidget(table_, 1);
    topLayout->addLayout(buttons);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(tabs);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(status_);

    connect(&runsWatcher_, &QFutureWatcher<std::vector<lora::RunRecord>>::finished, this, [this] {
        const QList<qint64> keep = selectedRunIds();
        try {
            model_->setRuns(runsWatcher_.result());
            error_.clear();
            status_->setText(tr("%n run(s) in %1", nullptr, int(model_->runs().size()))
                                 .arg(QString::fromStdString(db_.string())));
        } catch (const std::exception& e) {
            error_ = QString::fromUtf8(e.what());
            status_->setText(error_);
        }
        selectRuns(keep);
        Q_EMIT loaded();
    });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::loadSelection);
    connect(&selectionWatcher_, &QFutureWatcher<std::vector<RunCurveData>>::finished, this, [this] {
        std::vector<RunCurveData> data;
        try {
            data = selectionWatcher_.result();
        } catch (const std::exception& e) {
            error_ = QString::fromUtf8(e.what());
            status_->setText(error_);
        }
        std::vector<lora::RunRecord> runs;
        for (const auto& d : data)
            runs.push_back(d.run);
        diff_->setRuns(runs);
        curves_->setRuns(std::move(data));
        Q_EMIT selectionLoaded();
    });
    reload();
}

RunsPage::~RunsPage()
{
    runsWatcher_.waitForFinished();
    selectionWatcher_.waitForFinished();
}

void RunsPage::reload()
{
    if (runsWatcher_.isRunning())
        runsWatcher_.waitForFinished();
    runsWatcher_.setFuture(QtConcurrent::run(readRuns, db_));
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

void RunsPage::loadSelection()
{
    std::vector<lora::RunRecord> runs;
    for (qint64 id : selectedRunIds())
        if (const auto* r = model_->runById(id))
            runs.push_back(*r);
    if (selectionWatcher_.isRunning())
        selectionWatcher_.waitForFinished();
    selectionWatcher_.setFuture(QtConcurrent::run([db = db_, runs] {
        lora::RunStore store(db);
        std::vector<RunCurveData> out;
        for (const auto& r : runs)
            out.push_back({r, store.metrics(r.id)});
        return out;
    }));
}

void RunsPage::edit(std::function<void(lora::RunStore&)> change)
{
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        const QString problem = watcher->result();
        watcher->deleteLater();
        if (!problem.isEmpty()) {
            error_ = problem;
            status_->setText(problem);
        }
        reload();
    });
    watcher->setFuture(QtConcurrent::run([db = db_, change = std::move(change)]() -> QString {
        try {
            lora::RunStore store(db);
            change(store);
            return {};
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
    }));
}

void RunsPage::renameRun(qint64 id, const QString& name)
{
    edit([id, name = name.toStdString()](lora::RunStore& s) { s.rename(id, name); });
}

void RunsPage::setRunTags(qint64 id, const QStringList& tags)
{
    std::vector<std::string> list;
    for (const auto& t : tags)
        if (!t.trimmed().isEmpty())
            list.push_back(t.trimmed().toStdString());
    edit([id, list](lora::RunStore& s) { s.setTags(id, list); });
}

void RunsPage::setRunNotes(qint64 id, const QString& notes)
{
    edit([id, notes = notes.toStdString()](lora::RunStore& s) { s.setNotes(id, notes); });
}

void RunsPage::deleteRun(qint64 id, bool withFiles)
{
    const auto* run = model_->runById(id);
    const std::string folder = run && withFiles ? run->outputDir : std::string();
    edit([id, folder](lora::RunStore& s) {
        s.deleteRun(id);
        if (!folder.empty())
            std::filesystem::remove_all(folder);
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
            box.setInformativeText(tr("Its output folder, with checkpoints and the adapter, is %1.")
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

void RunsPage::launchCli(const QStringList& arguments)
{
    const QString cli = QCoreApplication::applicationDirPath() + "/lora-cli";
    QStringList args = arguments;
    args << "--db" << QString::fromStdString(db_.string());
    if (!QProcess::startDetached(cli, args)) {
        error_ = tr("%1: could not be started; run lora-cli %2 yourself").arg(cli, args.join(' '));
        status_->setText(error_);
    } else {
        status_->setText(tr("Started: lora-cli %1 (reload to follow it)").arg(args.join(' ')));
    }
}
