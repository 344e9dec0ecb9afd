#pragma once
// A sweep's runs on one chart: cost (trainable parameters, or adapter MB) on a log x axis against quality (best
// validation loss), one point per run, the Pareto front drawn as a step line through the runs nothing beats on
// both. Points are labelled with what distinguishes their cell ("r4 qv"): the front's always, every point's when there
// are few enough to read. Hovering a point shows its configuration; clicking it asks for that run to be opened.
#include "data/themed_plot.h"

#include "lora/sweep.h"

#include <vector>

class ParetoChart final : public ThemedPlot {
    Q_OBJECT
public:
    explicit ParetoChart(QWidget* parent = nullptr);

    void setResults(const std::vector<lora::SweepResult>& results, lora::SweepCost cost);
    void clearResults();

    // What is drawn, for tests and the page: the plotted runs and the front's runs, by increasing cost.
    const std::vector<lora::SweepResult>& plotted() const { return plotted_; }
    std::vector<int64_t> frontRunIds() const;
    QCPGraph* pointsGraph() const { return points_; }
    QCPGraph* frontGraph() const { return front_; }
    // The plotted run nearest to a widget position, within a few pixels; -1 when none.
    int pointAt(const QPoint& pos) const;
    QPoint pixelOf(int index) const;
    QString describe(int index) const;  // the tooltip of a plotted run
    QStringList labels() const;         // the point labels drawn, in cost order

Q_SIGNALS:
    void runClicked(qint64 runId);

protected:
    void paletteChanged() override;

private:
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    void labelPoints();

    QCPGraph* points_;
    std::vector<QCPItemText*> labels_;
    QCPGraph* front_;
    std::vector<lora::SweepResult> plotted_;
    lora::SweepCost cost_ = lora::SweepCost::TrainableParameters;
};
