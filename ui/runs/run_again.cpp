#include "runs/run_again.h"

#include "adapter/adapter_page.h"
#include "data/data_page.h"
#include "main_window.h"
#include "model_page.h"
#include "train/train_page.h"

#include "lora/training.h"

#include <QDir>
#include <QTabWidget>

namespace {

QString pathString(const std::filesystem::path& p) { return QString::fromStdU16String(p.u16string()); }

void applyTargets(AdapterPage* page, const lora::LoraConfig& lora)
{
    if (lora.targetRegex) {
        page->setTargetRegex(QString::fromStdString(*lora.targetRegex));
        return;
    }
    QStringList modules;
    for (const auto& m : lora.targetModules)
        modules << QString::fromStdString(m);
    page->setTargetModules(modules);
}

}  // namespace

QString loadRunIntoWindow(MainWindow& window, const lora::RunRecord& run)
{
    lora::TrainingConfig config;
    try {
        config = lora::trainingConfigFromJson(run.configJson, "run " + std::to_string(run.id));
    } catch (const std::exception& e) {
        return QObject::tr("Run #%1 cannot be run again: %2").arg(run.id).arg(QString::fromUtf8(e.what()));
    }

    AdapterPage* adapter = window.adapterPage();
    adapter->setRank(config.lora.r);
    adapter->setAlpha(config.lora.alpha);
    adapter->setDropout(config.lora.dropout);
    adapter->setRslora(config.lora.useRslora);
    adapter->setDora(config.lora.useDora);
    // Targets name the model's modules: they apply to the run's model, once it is loaded.
    const QString model = QDir::cleanPath(pathString(config.modelDir));
    ModelPage* modelPage = window.modelPage();
    if (modelPage->loaded().model && !modelPage->isLoading() && QDir::cleanPath(modelPage->folder()) == model) {
        applyTargets(adapter, config.lora);
    } else {
        QObject::connect(modelPage, &ModelPage::modelLoaded, adapter,
                         [adapter, lora = config.lora] { applyTargets(adapter, lora); }, Qt::SingleShotConnection);
        window.openModelFolder(model);
    }

    DataPage* data = window.dataPage();
    data->setFormat(config.dataset.format);
    data->setBadRowPolicy(config.dataset.badRows);
    data->setBlockSize(config.dataset.blockSize);
    data->setMaxLength(config.dataset.maxLength);
    const QString dataFile = QDir::cleanPath(pathString(config.dataFile));
    if (QDir::cleanPath(data->file()) != dataFile)
        data->openFile(dataFile);

    TrainPage* train = window.trainPage();
    train->loadConfig(config, run.totalSteps,
                      QObject::tr("run #%1 “%2”").arg(run.id).arg(QString::fromStdString(run.name)));
    window.tabs()->setCurrentWidget(train);
    return {};
}
