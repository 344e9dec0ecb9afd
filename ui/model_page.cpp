#include "model_page.h"

#include "lora/device.h"
#include "lora/model.h"
#include "lora/tokenizer.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <map>

namespace {

QString shapeText(const std::vector<int64_t>& shape)
{
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return parts.isEmpty() ? QString() : "[" + parts.join(", ") + "]";
}

QString count(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

}  // namespace

ModelPage::ModelPage(QWidget* parent)
    : QWidget(parent), device_(new QComboBox), dtype_(new QComboBox), threads_(new QSpinBox), summary_(new QLabel), status_(new QLabel), tree_(new QTreeWidget)
{
    for (const auto& d : lora::availableDevices()) {
        QString text = QString::fromStdString(d.id + " — " + d.name);
        if (d.memoryBytes > 0)
            text += QString(" (%1 GiB)").arg(d.memoryBytes / double(1ull << 30), 0, 'f', 1);
        device_->addItem(text, QString::fromStdString(d.id));
    }
    device_->setToolTip(tr("Where the model runs. CUDA devices appear only when LibTorch sees a GPU."));

    device_->setObjectName("deviceCombo");
    dtype_->setObjectName("dtypeCombo");
    dtype_->addItem(tr("float32 (exact; best on CPUs)"), "float32");
    dtype_->addItem(tr("bfloat16 (half the memory; for GPUs)"), "bfloat16");
    dtype_->addItem(tr("float16 (half the memory; for GPUs)"), "float16");
    dtype_->setToolTip(tr("The number format of the model's weights. float32 is exact and fastest on most CPUs; "
                          "bfloat16 and float16 halve the memory and suit GPUs. The adapter itself always trains "
                          "in float32."));
    threads_->setObjectName("threadsSpin");
    threads_->setRange(0, std::max(1, QThread::idealThreadCount()));
    threads_->setSpecialValueText(tr("automatic"));
    threads_->setToolTip(tr("CPU threads one training step may use. Automatic lets LibTorch choose (one per core); "
                            "fewer leaves cores free for the rest of the computer."));
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setWordWrap(true);
    status_->setWordWrap(true);

    tree_->setColumnCount(4);
    tree_->setHeaderLabels({tr("Module (Hugging Face name)"), tr("Type"), tr("Weight shape"), tr("Parameters")});
    tree_->setUniformRowHeights(true);
    tree_->setAlternatingRowColors(true);
    tree_->header()->setStretchLastSection(false);
    tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tree_->setToolTip(tr("Every module of the network with the name Hugging Face gives it; these are the names "
                         "LoRA's target_modules match against."));

    auto* form = new QFormLayout;
    form->addRow(tr("Device:"), device_);
    form->addRow(tr("Weights:"), dtype_);
    form->addRow(tr("CPU threads:"), threads_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(summary_);
    layout->addWidget(status_);
    layout->addWidget(tree_, 1);

    connect(&job_, &ModelLoadJob::finished, this, &ModelPage::onLoaded);
    summary_->setText(tr("No model loaded. Use <b>File → Open Model Folder…</b> (Ctrl+O) to pick a Hugging Face "
                         "model folder with config.json and *.safetensors."));
}

bool ModelPage::isLoading() const { return job_.isRunning(); }
QString ModelPage::device() const { return device_->currentData().toString(); }
QString ModelPage::dtype() const { return dtype_->currentData().toString(); }
int ModelPage::threads() const { return threads_->value(); }

void ModelPage::openFolder(const QString& folder)
{
    status_->setText(tr("Loading %1 …").arg(folder));
    job_.start(folder, device(), dtype());
}

void ModelPage::onLoaded(const QString& folder, const LoadedModel& result)
{
    if (!result.error.isEmpty()) {
        status_->setText(tr("<b>Could not load the model.</b> %1").arg(result.error.toHtmlEscaped()));
        Q_EMIT loadFailed(folder, result.error);
        return;  // the previously loaded model stays
    }
    loaded_ = result;
    folder_ = folder;
    status_->clear();
    showModel();
    Q_EMIT modelLoaded(folder);
}

void ModelPage::showModel()
{
    const auto& d = loaded_.model->description();
    QString text = tr("<b>%1</b> — %2, %3 layers, hidden size %4, vocabulary %5<br>%6 parameters%7")
                       .arg(QString::fromStdString(d.architecture).toHtmlEscaped(),
                            QString::fromStdString(d.modelType), QString::number(d.numLayers),
                            QString::number(d.hiddenSize), count(d.vocabSize), count(d.totalParameters),
                            d.tiedEmbeddings ? tr(" (input and output embeddings tied)") : QString());
    if (loaded_.tokenizer)
        text += tr("<br>Tokenizer: %1, %2 tokens")
                    .arg(QString::fromStdString(loaded_.tokenizer->kind()), count(loaded_.tokenizer->vocabSize()));
    else
        text += tr("<br>No tokenizer.json in this folder.");
    summary_->setText(text);

    tree_->clear();
    std::map<std::string, QTreeWidgetItem*> items;
    for (const auto& m : d.modules) {
        const auto dot = m.name.rfind('.');
        const std::string parent = dot == std::string::npos ? std::string() : m.name.substr(0, dot);
        auto it = items.find(parent);
        auto* item = it == items.end() ? new QTreeWidgetItem(tree_) : new QTreeWidgetItem(it->second);
        item->setText(0, QString::fromStdString(m.name));
        item->setText(1, QString::fromStdString(m.type));
        item->setText(2, shapeText(m.weightShape));
        item->setText(3, m.parameters > 0 ? count(m.parameters) : QString());
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        items[m.name] = item;
    }
    tree_->expandToDepth(1);
    for (int column = 1; column < tree_->columnCount(); ++column)
        tree_->resizeColumnToContents(column);
}
