#include "screenshot_tour.h"

#include "adapter/adapter_page.h"
#include "data/data_page.h"
#include "main_window.h"
#include "model_page.h"
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
    TrainPage* page = window_->trainPage();
    window_->tabs()->setCurrentWidget(page);
    page->setSteps(steps_);
    connect(page, &TrainPage::runFinished, this, [this](const lora::TrainingResult& result) {
        if (result.status == lora::TrainingStatus::Failed)
            return fail(QStringLiteral("training failed: %1").arg(QString::fromStdString(result.error)));
        std::fprintf(stderr, "screenshots: trained %lld steps\n",
                     static_cast<long long>(result.finalMetrics ? result.finalMetrics->step : 0));
        QTimer::singleShot(200, this, &ScreenshotTour::tryIt);
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
        for (int k = 0; k < 5; ++k)
            QCoreApplication::processEvents();  // layouts settle and queued replots paint
        const QString file = QDir(folder_).filePath(QStringLiteral("%1-%2.png").arg(i + 1).arg(kPageNames[i]));
        if (!window_->grab().save(file, "PNG", 0))  // 0: the strongest compression
            return fail(QStringLiteral("cannot write %1").arg(file));
        std::fprintf(stderr, "screenshots: %s\n", qPrintable(file));
    }
    tabs->setCurrentWidget(window_->trainPage());
    Q_EMIT finished(0);
}

void ScreenshotTour::fail(const QString& why)
{
    std::fprintf(stderr, "screenshots: %s\n", qPrintable(why));
    Q_EMIT finished(1);
}
