#pragma once
// The Model page: pick a Hugging Face model folder and a device, see its architecture as a tree with every
// module's full HF name, type, weight shape and parameter count, and its tokenizer.
#include "model_load_job.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTreeWidget;

class ModelPage final : public QWidget {
    Q_OBJECT
public:
    explicit ModelPage(QWidget* parent = nullptr);

    void openFolder(const QString& folder);  // starts loading in the background
    const LoadedModel& loaded() const { return loaded_; }
    QString folder() const { return folder_; }
    bool isLoading() const;
    QString device() const;
    QString dtype() const;  // the weights' dtype for loading and training: float32, bfloat16, float16
    int threads() const;    // intra-op threads for training; 0: LibTorch's default

Q_SIGNALS:
    void modelLoaded(const QString& folder);
    void loadFailed(const QString& folder, const QString& message);

private:
    void onLoaded(const QString& folder, const LoadedModel& result);
    void showModel();

    ModelLoadJob job_;
    LoadedModel loaded_;
    QString folder_;
    QComboBox* device_;
    QComboBox* dtype_;
    QSpinBox* threads_;
    QLabel* summary_;
    QLabel* status_;
    QTreeWidget* tree_;
};
