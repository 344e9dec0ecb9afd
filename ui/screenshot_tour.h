#pragma once
// `lora-studio --screenshots DIR`: drives the real app for the documentation — waits for the startup model and
// dataset, trains a short run on the Train page, generates on the Try it page, then saves a PNG of every page
// (QWidget::grab of the whole window) to DIR; then trains a second run (rank 2) and saves the Runs page with
// both runs' curves overlaid and their configs compared (6-runs.png); then opens the first run on the Inside the
// adapter page, its newest checkpoint with one module selected (7-inside-the-adapter.png); then runs a small sweep
// (ranks 2, 4, 8 × q+v and all-linear) and saves the Sweeps page with its Pareto chart (8-sweeps.png), and quits.
// Used by scripts/screenshots under Xvfb.
#include <QObject>
#include <QString>

class MainWindow;

class ScreenshotTour final : public QObject {
    Q_OBJECT
public:
    ScreenshotTour(MainWindow* window, const QString& folder, int steps, QObject* parent = nullptr);
    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void waitForInputs();
    void train();
    void trainThen(void (ScreenshotTour::*next)());
    void tryIt();
    void grabPages();
    void trainSecondRun();
    void compareRuns();
    void insideTheAdapter();
    void sweep();
    bool save(const QString& name);
    void fail(const QString& why);

    MainWindow* window_;
    QString folder_;
    int steps_;
    int waited_ = 0;
    QString firstRunFolder_;  // the first run's output folder, replayed on the Inside the adapter page
};
