#include "screenshot_tour.h"

#include "adapter/adapter_page.h"
#include "data/data_page.h"
#include "inspect/inspect_page.h"
#include "main_window.h"
#include "model_page.h"
#include "runs/runs_model.h"
#include "runs/runs_page.h"
#include "sweep/sweep_builder.h"
#include "sweep/sweep_page.h"
#include "train/train_page.h"
#include "tryit/try_page.h"

#include "lora/model.h"

#include <QCoreApplication>
#include <QDir>
#include <QListWidget>
#include <QPixmap>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

namespace {
const char* const kPageNames[] = {"model", "data", "adapter", "train", "try-it"};
constexpr int kPollMs = 100;
constexpr int kMaxWaitMs = 180000;
}  // namespace

ScreenshotTour::ScreenshotTour(MainWindow* window, const QString& folder, int steps, QObject* parent)
    : QObject(parent), window_(window), folder_(folder), steps_(steps)
{
}

void ScreenshotTour::start()
{
    if (!QDir().mkpath(folder_))
        return fail(QStringLiteral("cannot create %1").arg(folder_));
    window_->openStartupChoices();
    QTimer::singleShot(kPollMs, this, &ScreenshotTour::waitForInputs);
}

void ScreenshotTour::waitForInputs()
{
    const bool ready = window_->modelPage()->loaded().model && !window_->modelPage()->isLoading() &&
                       window_->dataPage()->dataset() && !window_->dataPage()->isLoading();
    if (!ready) {
        waited_ += kPollMs;
        if (waited_ > kMaxWaitMs)
            return fail(QStringLiteral("the startup model and dataset did not load"));
        QTimer::singleShot(kPollMs, this, &ScreenshotTour::waitForInputs);
        return;
    }
    train();
}

void ScreenshotTour::train()
{
    window_->tabs()->setCurrentWidget(window_->trainPage());
    window_->trainPage()->setSteps(steps_);
    trainThen(&ScreenshotTour::tryIt);
}

// Starts a run on the Train page and goes on with `next` once it finished.
void ScreenshotTour::trainThen(void (ScreenshotTour::*next)())
{
    TrainPage* page = window_->trainPage();
    connect(page, &TrainPage::runFinished, this, [this, next](const lora::TrainingResult& result) {
        if (result.status == lora::TrainingStatus::Failed)
            return fail(QStringLiteral("training failed: %1").arg(QString::fromStdString(result.error)));
        std::fprintf(stderr, "screenshots: trained %lld steps\n",
                     static_cast<long long>(result.finalMetrics ? result.finalMetrics->step : 0));
        if (firstRunFolder_.isEmpty())
            firstRunFolder_ = QString::fromStdString(result.adapterDir.string());
        QTimer::singleShot(200, this, next);
    }, Qt::SingleShotConnection);
    page->start();
    if (!page->run()->isActive())
        fail(QStringLiteral("training did not start: %1").arg(page->statusText()));
}

void ScreenshotTour::tryIt()
{
    TryPage* page = window_->tryPage();
    window_->tabs()->setCurrentWidget(page);
    page->setPrompt(QStringLiteral("### Instruction:\nRead the sentence and say if it was a happy day or a sad day.\n\n"
                                   "### Input:\nTom played with his red kite at the park and was cheerful.\n\n"
                                   "### Response:\n"));
    page->setGreedy(true);
    page->setMaxNewTokens(24);
    connect(page, &TryPage::generationFinished, this, [this] { QTimer::singleShot(200, this, &ScreenshotTour::grabPages); },
            Qt::SingleShotConnection);
    page->generate();
}

void ScreenshotTour::grabPages()
{
    // A dataset example with its tokens, and the adapter grid's first target, make the pages speak for themselves.
    if (auto* examples = window_->dataPage()->findChild<QListWidget*>("exampleList"); examples && examples->count() > 0)
        examples->setCurrentRow(0);
    QTabWidget* tabs = window_->tabs();
    for (int i = 0; i < tabs->count() && i < int(std::size(kPageNames)); ++i) {
        tabs->setCurrentIndex(i);
        if (!save(QStringLiteral("%1-%2.png").arg(i + 1).arg(kPageNames[i])))
            return;
    }
    tabs->setCurrentWidget(window_->trainPage());
    trainSecondRun();
}

bool ScreenshotTour::save(const QString& name)
{
    for (int k = 0; k < 5; ++k)
        QCoreApplication::processEvents();  // layouts settle and queued replots paint
    const QString file = QDir(folder_).filePath(name);
    if (!window_->grab().save(file, "PNG", 0)) {  // 0: the strongest compression
        fail(QStringLiteral("cannot write %1").arg(file));
        return false;
    }
    std::fprintf(stderr, "screenshots: %s\n", qPrintable(file));
    return true;
}

// A second run that differs from the first in its rank, so the Runs page has two runs to compare.
void ScreenshotTour::trainSecondRun()
{
    window_->adapterPage()->setRank(2);
    trainThen(&ScreenshotTour::compareRuns);
}

void ScreenshotTour::compareRuns()
{
    RunsPage* runs = window_->runsPage();
    connect(runs, &RunsPage::loaded, this, [this, runs] {
        QList<qint64> ids;
        for (const auto& r : runs->model()->runs())
            ids << r.id;
        if (ids.size() < 2)
            return fail(QStringLiteral("the Runs page lists %1 run(s): %2").arg(ids.size()).arg(runs->lastError()));
        connect(runs, &RunsPage::selectionLoaded, this, [this] {
            if (save(QStringLiteral("6-runs.png")))
                insideTheAdapter();
        }, Qt::SingleShotConnection);
        runs->selectRuns(ids.mid(0, 2));
    }, Qt::SingleShotConnection);
    window_->tabs()->setCurrentWidget(runs);  // reloads the page
}

void ScreenshotTour::insideTheAdapter()
{
    InspectPage* page = window_->inspectPage();
    window_->tabs()->setCurrentWidget(page);
    connect(page, &InspectPage::spectraReady, this, [this, page] {
        const auto* spectra = page->spectra();
        if (!spectra || spectra->modules.empty())
            return fail(QStringLiteral("Inside the adapter shows no module of %1").arg(firstRunFolder_));
        connect(page, &InspectPage::matricesReady, this, [this] {
            if (save(QStringLiteral("7-inside-the-adapter.png")))
                sweep();
        }, Qt::SingleShotConnection);
        page->selectModule(QString::fromStdString(spectra->modules.front().module));
    }, Qt::SingleShotConnection);
    page->openFolder(firstRunFolder_);
}

void ScreenshotTour::sweep()
{
    SweepPage* page = window_->sweepPage();
    window_->tabs()->setCurrentWidget(page);
    SweepBuilder* grid = page->builder();
    grid->setRanks({2, 4, 8});
    grid->setPresets({lora::TargetPreset::QueryValue, lora::TargetPreset::AllLinear});
    grid->setLayerRanges(QStringLiteral("all"));
    grid->setSeeds(QStringLiteral("1"));
    grid->setSteps(steps_);
    connect(page, &SweepPage::sweepFinished, this, [this, page](const QString& status) {
        if (status != QStringLiteral("completed"))
            return fail(QStringLiteral("the sweep ended %1: %2").arg(status, page->statusText()));
        connect(page, &SweepPage::loaded, this, [this] {
            if (save(QStringLiteral("8-sweeps.png")))
                Q_EMIT finished(0);
        }, Qt::SingleShotConnection);
    }, Qt::SingleShotConnection);
    if (!page->startSweep())
        fail(QStringLiteral("the sweep did not start: %1").arg(page->statusText()));
}

void ScreenshotTour::fail(const QString& why)
{
    std::fprintf(stderr, "screenshots: %s\n", qPrintable(why));
    Q_EMIT finished(1);
}
