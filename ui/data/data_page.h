#pragma once
// The Data page: pick a dataset file (bundled, recent, opened or dropped), choose how it is read, and see it
// as the trainer will: examples, tokens, the tokens the loss is computed on, the train/validation split, a
// length histogram, each example's tokens with the learned part highlighted, and the rows that were bad.
// Files are tokenised with the loaded model's tokenizer, on a worker thread.
#include "data/dataset_load_job.h"

#include "lora/dataset.h"

#include <QWidget>

#include <memory>

class LengthHistogram;
class MessageBanner;
class QAction;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QToolButton;

namespace lora {
class Tokenizer;
}

class DataPage final : public QWidget {
    Q_OBJECT
public:
    explicit DataPage(QWidget* parent = nullptr);

    // The tokenizer datasets are encoded with. `source` names where it came from (the model folder); a null
    // tokenizer with a source means that model has no tokenizer.json. A file already chosen is (re)loaded.
    void setTokenizer(std::shared_ptr<const lora::Tokenizer> tokenizer, const QString& source = {});

    void openFile(const QString& file);  // loads in the background once a tokenizer is there
    void chooseFile();                   // the "Open file…" dialog
    QAction* openAction() const { return openAction_; }  // Ctrl+Shift+O; MainWindow puts it in the File menu

    QString file() const { return file_; }
    bool isLoading() const { return job_.isRunning(); }
    std::shared_ptr<const lora::Dataset> dataset() const { return dataset_; }
    const lora::DatasetStats& stats() const { return stats_; }
    const lora::SplitIndices& split() const { return split_; }
    lora::DatasetOptions options() const;
    double validationFraction() const;
    quint64 splitSeed() const;

    void setFormat(lora::DatasetFormat format);
    void setBlockSize(int tokens);
    void setMaxLength(int tokens);
    void setValidationFraction(double fraction);
    void setSplitSeed(quint64 seed);
    void setBadRowPolicy(lora::BadRowPolicy policy);

Q_SIGNALS:
    void datasetLoaded(const QString& file);
    void loadFailed(const QString& file, const QString& message);
    void datasetChanged();  // loaded, failed (now none) or re-split
    void splitOptionsChanged(double validationFraction, quint64 seed);  // the user changed the split

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QWidget* buildSources();
    QWidget* buildOptions();
    QWidget* buildResults();
    void startLoad();
    void onLoaded(const QString& file, const LoadedDataset& result);
    void showDataset();
    void clearDataset();
    void updateSplit();
    void showExample(int row);
    void rememberRecent(const QString& file);
    void rebuildRecentMenu();
    void updateFormatHint();

    DatasetLoadJob job_;
    std::shared_ptr<const lora::Tokenizer> tokenizer_;
    QString tokenizerSource_;
    QString file_;
    std::shared_ptr<const lora::Dataset> dataset_;
    lora::DatasetStats stats_;
    lora::SplitIndices split_;

    QAction* openAction_;
    QToolButton* recent_;
    QListWidget* bundled_;
    QComboBox* format_;
    QComboBox* badRows_;
    QSpinBox* blockSize_;
    QSpinBox* maxLength_;
    QDoubleSpinBox* validation_;
    QSpinBox* seed_;

    QLabel* fileLabel_;
    QProgressBar* busy_;
    MessageBanner* banner_;
    QLabel* examples_;
    QLabel* tokens_;
    QLabel* lossTokens_;
    QLabel* truncated_;
    QLabel* train_;
    QLabel* validationCount_;
    LengthHistogram* histogram_;
    QTabWidget* tabs_;
    QListWidget* exampleList_;
    QTextBrowser* tokenView_;
    QLabel* legend_;
    QTableWidget* badRowTable_;
};
