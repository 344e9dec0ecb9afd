// What the app opens with: on a first start the bundled model, the bundled moods dataset and the settings of
// the model's lora_defaults.json (read as the file says, not as this test assumes), so the first Start just
// works; afterwards the user's last choices win. The run controls carry their shortcuts.
#include "ui_test_support.h"

#include "adapter/adapter_page.h"
#include "adapter/target_grid.h"
#include "train/train_page.h"
#include "train/training_defaults.h"

#include "lora/lora_targets.h"
#include "lora/model.h"

#include <QAction>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QTemporaryDir>

class TestStartup final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        uitest::isolate(dir_.path());
    }

    void readsTheDefaultsFile()
    {
        QTemporaryDir folder;
        QFile f(folder.filePath("lora_defaults.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"target_modules": ["q_proj"], "r": 4, "lora_alpha": 8, "lora_dropout": 0.1, "learning_rate": 0.003,
                   "weight_decay": 0.0, "steps": 17, "batch_size": 3, "block_size": 64, "max_length": 96,
                   "warmup_steps": 2, "schedule": "cosine", "eval_every": 5, "validation_fraction": 0.2, "seed": 9,
                   "a_key_added_later": true})");
        f.close();
        const TrainingDefaults d = readTrainingDefaults(folder.path());
        QVERIFY(d.error.isEmpty());
        QCOMPARE(d.targetModules, QStringList{"q_proj"});
        QCOMPARE(d.r, 4);
        QCOMPARE(d.loraAlpha, 8.0);
        QCOMPARE(d.loraDropout, 0.1);
        QCOMPARE(d.learningRate, 0.003);
        QCOMPARE(d.weightDecay, 0.0);
        QCOMPARE(d.steps, 17);
        QCOMPARE(d.batchSize, 3);
        QCOMPARE(d.blockSize, 64);
        QCOMPARE(d.maxLength, 96);
        QCOMPARE(d.warmupSteps, 2);
        QCOMPARE(d.schedule, QString("cosine"));
        QCOMPARE(d.evalEvery, 5);
        QCOMPARE(d.validationFraction, 0.2);
        QCOMPARE(d.seed, quint64(9));

        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("[1, 2]");
        f.close();
        QVERIFY(readTrainingDefaults(folder.path()).error.contains("not a JSON object"));
    }

    void firstStartUsesTheBundledModelDatasetAndDefaults()
    {
        const TrainingDefaults d = readTrainingDefaults(bundledModelFolder());
        QVERIFY2(d.error.isEmpty() && !d.file.isEmpty(), qPrintable(d.error));
        QVERIFY(!d.targetModules.isEmpty());

        MainWindow w;
        QSignalSpy dataLoaded(w.dataPage(), &DataPage::datasetLoaded);
        QSignalSpy modelLoaded(w.modelPage(), &ModelPage::modelLoaded);
        w.openStartupChoices();
        QVERIFY(modelLoaded.count() > 0 || modelLoaded.wait(60000));
        QVERIFY(dataLoaded.count() > 0 || dataLoaded.wait(60000));
        QCOMPARE(w.modelPage()->folder(), bundledModelFolder());
        QCOMPARE(w.dataPage()->file(), bundledDefaultDataset());

        // Every value of the file reached the page that owns it.
        QCOMPARE(w.adapterPage()->rank(), d.r);
        QCOMPARE(w.adapterPage()->alpha(), d.loraAlpha);
        QCOMPARE(w.adapterPage()->dropout(), d.loraDropout);
        QCOMPARE(w.dataPage()->options().blockSize, d.blockSize);
        QCOMPARE(w.dataPage()->options().maxLength, d.maxLength);
        QCOMPARE(w.dataPage()->validationFraction(), d.validationFraction);
        QCOMPARE(w.dataPage()->splitSeed(), d.seed);
        const auto config = w.trainPage()->buildConfig();
        QVERIFY(config);
        QCOMPARE(config->maxSteps, int64_t(d.steps));
        QCOMPARE(config->batchSize, int64_t(d.batchSize));
        QCOMPARE(config->learningRate, d.learningRate);
        QCOMPARE(config->weightDecay, d.weightDecay);
        QCOMPARE(config->warmupSteps, int64_t(d.warmupSteps));
        QCOMPARE(QString::fromStdString(lora::scheduleName(config->schedule)), d.schedule);
        QCOMPARE(config->evalSteps, int64_t(d.evalEvery));
        QCOMPARE(config->validationFraction, d.validationFraction);
        QCOMPARE(config->seed, d.seed);
        QCOMPARE(config->lora.r, d.r);
        QCOMPARE(config->dataset.maxLength, d.maxLength);
        QCOMPARE(QString::fromStdU16String(config->modelDir.u16string()), bundledModelFolder());
        QVERIFY(QString::fromStdU16String(config->outputDir.u16string()).startsWith(dir_.path() + "/data/"));

        // The targets are the modules the file's target_modules name, as PEFT matches them.
        const auto& model = w.modelPage()->loaded().model->description();
        std::set<std::string> expected;
        for (const auto& t : lora::selectTargets(model, [&] {
                 lora::LoraConfig c;
                 c.targetModules.clear();
                 for (const QString& m : d.targetModules)
                     c.targetModules.push_back(m.toStdString());
                 return c;
             }()))
            expected.insert(t.name);
        std::set<std::string> chosen;
        for (const auto& t : w.adapterPage()->targets())
            chosen.insert(t.name);
        QCOMPARE(chosen, expected);

        // The run controls and their shortcuts, shown in their tooltips.
        QCOMPARE(w.trainPage()->startAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));
        QCOMPARE(w.trainPage()->pauseAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_P));
        QVERIFY(w.trainPage()->stopAction()->shortcuts().contains(QKeySequence(Qt::Key_Escape)));
        QVERIFY(w.trainPage()->stopAction()->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Period)));
        QVERIFY(w.trainPage()->startAction()->toolTip().contains("Ctrl+T"));
        QVERIFY(w.trainPage()->stopAction()->toolTip().contains("Esc"));

        // The user's choices are remembered...
        w.trainPage()->setSteps(d.steps + 11);
        w.adapterPage()->setRank(d.r * 2);
        w.adapterPage()->choosePreset(TargetPreset::QueryValue);
    }

    void lastChoicesWinOverTheDefaults()
    {
        const TrainingDefaults d = readTrainingDefaults(bundledModelFolder());
        MainWindow w;  // ...and come back on the next start
        QSignalSpy modelLoaded(w.modelPage(), &ModelPage::modelLoaded);
        w.openStartupChoices();
        QVERIFY(modelLoaded.wait(60000));
        QCOMPARE(w.trainPage()->findChild<QSpinBox*>("stepsSpin")->value(), d.steps + 11);
        QCOMPARE(w.adapterPage()->rank(), d.r * 2);
        QCOMPARE(w.adapterPage()->preset(), TargetPreset::QueryValue);
    }
};

QTEST_MAIN(TestStartup)
#include "test_startup.moc"
