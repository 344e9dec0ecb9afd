#pragma once
// The sweep builder: which ranks, target presets, layer ranges and seeds to cross, and the steps of each run. It
// shows, before anything starts, how many runs the grid makes and how many parameters they train in all (planned
// by core from the loaded model's description), or what is wrong with the grid.
#include "lora/model.h"
#include "lora/sweep.h"

#include <QWidget>

#include <map>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;

class SweepBuilder final : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRanks[] = {1, 2, 4, 8, 16, 32, 64};

    explicit SweepBuilder(QWidget* parent = nullptr);

    void setModelDescription(const lora::ModelDescription& model);
    // The grid as chosen, or nullopt with problem() saying why (nothing ticked, a malformed range or seed).
    std::optional<lora::SweepGrid> grid() const;
    QString problem() const;
    int steps() const;
    QString name() const;

    void setRanks(const QList<int>& ranks);
    void setPresets(const QList<lora::TargetPreset>& presets);
    void setLayerRanges(const QString& text);  // "all, 0-1"
    void setSeeds(const QString& text);        // "1, 2"
    void setSteps(int steps);

    QLabel* summary() const { return summary_; }
    // The plan behind the summary (empty when the grid or the model is missing or wrong).
    const std::vector<lora::PlannedCell>& plan() const { return plan_; }

    void restoreSettings(const QSettings& settings);  // "sweep/..." keys
    void saveSettings(QSettings& settings) const;

Q_SIGNALS:
    void changed();

private:
    void updateSummary();

    std::optional<lora::ModelDescription> model_;
    std::map<int, QCheckBox*> ranks_;
    std::map<lora::TargetPreset, QCheckBox*> presets_;
    QLineEdit* layers_;
    QLineEdit* seeds_;
    QSpinBox* steps_;
    QLineEdit* name_;
    QLabel* summary_;
    std::vector<lora::PlannedCell> plan_;
    mutable QString problem_;
};
