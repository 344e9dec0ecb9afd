#pragma once
// The "Inside the adapter" page: for a PEFT adapter (or every checkpoint of a training run, replayed with a slider)
// on the loaded base model, a layer × module heatmap of one spectral figure; clicking a cell shows that module's
// singular values and its ΔW beside W; below, the subspace similarity φ with a second adapter. All computation runs
// on pool threads.
#include "inspect/inspect_tasks.h"
#include "inspect/layer_module_heatmap.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class DeltaWeightPanel;
class MessageBanner;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;
class SimilarityPanel;
class SpectrumPlot;

class InspectPage final : public QWidget {
    Q_OBJECT
public:
    explicit InspectPage(QWidget* parent = nullptr);

    void setModel(std::shared_ptr<lora::Model> model, const QString& folder);
    // A PEFT adapter folder, a checkpoint, or a run's output folder (its checkpoints are replayed).
    void openFolder(const QString& folder);
    void chooseAdapterFolder();  // one dialog: the folder's content says adapter or run
    void setFigure(SpectrumFigure figure);
    void setFrame(int index);  // the checkpoint shown, oldest = 0
    void selectModule(const QString& module);

    int frameCount() const { return int(outcome_.frames.size()); }
    int frame() const { return frame_; }
    const lora::AdapterSpectra* spectra() const;  // the frame shown, or null
    bool isBusy() const;
    LayerModuleHeatmap* heatmap() const { return heatmap_; }
    SpectrumPlot* spectrumPlot() const { return spectrum_; }
    DeltaWeightPanel* deltaWeightPanel() const { return deltaPanel_; }
    SimilarityPanel* similarityPanel() const { return similarity_; }
    MessageBanner* banner() const { return banner_; }

Q_SIGNALS:
    void spectraReady();
    void matricesReady();

private:
    void analyze();
    void onSpectra();
    void showFrame();
    void onModuleClicked(const QString& module);
    void requestMatrices();
    SpectrumFigure figure() const;

    std::shared_ptr<lora::Model> model_;
    QString folder_;
    QString selected_;
    SpectraOutcome outcome_;
    int frame_ = 0;
    bool matricesPending_ = false;
    QFutureWatcher<SpectraOutcome> spectraWatcher_;
    QFutureWatcher<MatricesOutcome> matricesWatcher_;

    MessageBanner* banner_;
    QLabel* folderLabel_;
    QComboBox* figure_;
    QSpinBox* topK_;
    QDoubleSpinBox* threshold_;
    QLabel* frameLabel_;
    QSlider* frameSlider_;
    LayerModuleHeatmap* heatmap_;
    SpectrumPlot* spectrum_;
    DeltaWeightPanel* deltaPanel_;
    SimilarityPanel* similarity_;
};
