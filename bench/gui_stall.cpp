// bench_gui_stall: how long the GUI thread's event loop can be kept waiting while a real training run goes on.
// Opens the real main window (bundled model studio-llama-2m, bundled moods dataset, lora_defaults.json), shows
// the Train page so its charts really repaint, presses Start, and until the run ends measures the gap between
// consecutive ticks of a 1 ms QTimer on the GUI thread. A gap is the longest the user could wait for a click or
// a repaint; the target is under 16 ms (one frame at 60 Hz). Prints percentiles, the longest stall and the
// number of gaps over 16 ms. For each gap it also reads the GUI thread's own CPU time: a long gap with little CPU
// time is the operating system running other work (the trainer's threads, other processes), not the GUI's own
// drawing; the longest CPU-busy gap is what this app's code costs the event loop. Settings and the run's output
// go to a temporary folder.
//   QT_QPA_PLATFORM=offscreen build/bench/bench_gui_stall [--steps N]   (default: lora_defaults.json's steps)
#include "data/data_page.h"
#include "main_window.h"
#include "model_page.h"
#include "train/train_page.h"

#include "lora/model.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <vector>

int main(int argc, char** argv)
{
    QTemporaryDir scratch;
    qputenv("XDG_CONFIG_HOME", scratch.filePath("config").toUtf8());
    qputenv("XDG_DATA_HOME", scratch.filePath("data").toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName("LoRA Studio Bench");
    QApplication::setApplicationName("LoRA Studio Bench");
    int steps = 0;
    const QStringList args = app.arguments();
    if (const int i = int(args.indexOf("--steps")); i > 0 && i + 1 < args.size())
        steps = args[i + 1].toInt();

    MainWindow window;
    window.resize(1440, 900);
    window.show();
    window.openStartupChoices();
    TrainPage* page = window.trainPage();

    std::vector<double> gapsMs;
    std::vector<double> busyMs;  // the GUI thread's CPU time within each gap
    gapsMs.reserve(1 << 20);
    busyMs.reserve(1 << 20);
    auto threadCpuNs = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    };
    qint64 lastCpu = 0;
    int redraws = 0;
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const qint64 cpu = threadCpuNs();
        gapsMs.push_back((now - last) / 1e6);
        busyMs.push_back((cpu - lastCpu) / 1e6);
        last = now;
        lastCpu = cpu;
    });

    // Wait (on the event loop) for the startup model and dataset, then train.
    QTimer ready;
    ready.setInterval(50);
    QObject::connect(&ready, &QTimer::timeout, [&] {
        if (!window.modelPage()->loaded().model || window.modelPage()->isLoading() || !window.dataPage()->dataset() ||
            window.dataPage()->isLoading())
            return;
        ready.stop();
        window.tabs()->setCurrentWidget(page);
        if (steps > 0)
            page->setSteps(steps);
        page->start();
        if (!page->run()->isActive()) {
            std::fprintf(stderr, "bench_gui_stall: training did not start: %s\n", qPrintable(page->statusText()));
            QCoreApplication::exit(1);
            return;
        }
        clock.start();
        last = 0;
        lastCpu = threadCpuNs();
        probe.start();
    });
    ready.start();

    QObject::connect(page->run(), &TrainingRun::metricsUpdated, [&redraws] { ++redraws; });
    QObject::connect(page->run(), &TrainingRun::finished, [&](const lora::TrainingResult& result) {
        probe.stop();
        const double seconds = clock.nsecsElapsed() / 1e9;
        if (result.status == lora::TrainingStatus::Failed) {
            std::fprintf(stderr, "bench_gui_stall: training failed: %s\n", result.error.c_str());
            QCoreApplication::exit(1);
            return;
        }
        std::vector<double> sorted = gapsMs;
        std::sort(sorted.begin(), sorted.end());
        auto percentile = [](const std::vector<double>& v, double p) {
            return v.empty() ? 0.0 : v[std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())))];
        };
        auto pct = [&](double p) { return percentile(sorted, p); };
        std::vector<double> busy = busyMs;
        std::sort(busy.begin(), busy.end());
        const auto over = std::count_if(sorted.begin(), sorted.end(), [](double g) { return g > 16.0; });
        const auto& end = page->run()->history().back();
        std::printf("training: %lld steps, %.1f s wall, %.0f tokens/s; %d chart updates (%.1f a second)\n",
                    static_cast<long long>(end.step), seconds, end.tokensPerSecond, redraws, redraws / seconds);
        std::printf("GUI event loop, 1 ms probe: %zu ticks; gap p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
                    "longest stall %.2f ms; %lld gaps over 16 ms\n",
                    sorted.size(), pct(50), pct(90), pct(99), pct(99.9), sorted.empty() ? 0.0 : sorted.back(),
                    static_cast<long long>(over));
        std::printf("GUI thread's own CPU time per gap: p99 %.2f ms, p99.9 %.2f ms, longest %.2f ms\n",
                    percentile(busy, 99), percentile(busy, 99.9), busy.empty() ? 0.0 : busy.back());
        std::printf("target (longest stall < 16 ms): %s\n", !sorted.empty() && sorted.back() < 16.0 ? "met" : "NOT met");
        QCoreApplication::exit(0);
    });
    return app.exec();
}
