#pragma once
// The Adapter page: choose which modules get LoRA adapters (a layer × module grid, presets, or a regex), the
// rank and the other hyper-parameters, and see live what that costs — trainable parameters, adapter size,
// a training-memory estimate against full fine-tuning, parameters per layer — and, for one module, the
// low-rank factorisation W → B·A drawn to scale.
#include "adapter/target_presets.h"

#include "lora/lora_config.h"
#include "lora/lora_targets.h"
#include "lora/model.h"

#include <QWidget>

#include <optional>

class FactorizationView;
class LayerBudgetChart;
class MessageBanner;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class TargetGrid;

class AdapterPage final : public QWidget {
    Q_OBJECT
public:
    explicit AdapterPage(QWidget* parent = nullptr);

    // The model whose modules are offered. baseModel goes into the config (base_model_name_or_path).
    void setModelDescription(const lora::ModelDescription& model, const QString& baseModel = {});
    void clearModel();

    // The configuration as chosen now; complete even while it is invalid (see hasValidTargets()).
    lora::LoraConfig currentConfig() const { return config_; }
    bool hasValidTargets() const { return !targets_.empty(); }
    QString errorMessage() const { return error_; }
    const std::vector<lora::LoraTarget>& targets() const { return targets_; }
    const lora::ParameterBudget& budget() const { return budget_; }

    void choosePreset(TargetPreset preset);
    TargetPreset preset() const;
    void setLastLayers(int count);  // 0: all layers
    int rank() const;
    void setRank(int r);
    double alpha() const;
    void setAlpha(double alpha);
    double dropout() const;
    void setDropout(double dropout);
    void setRslora(bool on);
    void setDora(bool on);
    // Ticks the modules a PEFT target_modules list names (full name, or ending in "." + entry) and picks the
    // preset that means exactly those, else Custom. Returns false (and changes nothing) when none matches.
    bool setTargetModules(const QStringList& entries);
    void setTargetRegex(const QString& regex);

    TargetGrid* grid() const { return grid_; }
    FactorizationView* factorizationView() const { return view_; }
    LayerBudgetChart* chart() const { return chart_; }

Q_SIGNALS:
    void configChanged();  // on every change of the configuration

private:
    QWidget* buildControls();
    QWidget* buildBudgetStrip();
    void applyPreset();
    void onGridEdited();
    void recompute();
    void showBudget();
    void clearBudget();
    void updateFactorization();

    std::optional<lora::ModelDescription> model_;
    QString baseModel_;
    lora::LoraConfig config_;
    std::vector<lora::LoraTarget> targets_;
    lora::ParameterBudget budget_;
    QString error_;
    bool applyingPreset_ = false;

    QComboBox* preset_;
    QCheckBox* lastLayersCheck_;
    QSpinBox* lastLayers_;
    QLineEdit* regex_;
    QSpinBox* rank_;
    QDoubleSpinBox* alpha_;
    QLabel* scaling_;
    QDoubleSpinBox* dropout_;
    QCheckBox* rslora_;
    QCheckBox* dora_;
    QComboBox* init_;
    QSpinBox* batch_;
    QSpinBox* sequence_;

    MessageBanner* banner_;
    TargetGrid* grid_;
    QLabel* trainable_;
    QLabel* percent_;
    QLabel* adapterSize_;
    QLabel* loraMemory_;
    QLabel* fullMemory_;
    LayerBudgetChart* chart_;
    FactorizationView* view_;
};
