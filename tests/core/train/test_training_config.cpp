// TrainingConfig JSON: every setting survives a round trip, and a misspelt key is an error naming it.
#include "lora/error.h"
#include "lora/training.h"

#include <QtTest/QtTest>

class TestTrainingConfig final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        lora::TrainingConfig c;
        c.modelDir = "/models/llama";
        c.dataFile = "/data/chat.jsonl";
        c.dataset.format = lora::DatasetFormat::Jsonl;
        c.dataset.maxLength = 512;
        c.mode = lora::TrainingMode::Full;
        c.lora.r = 16;
        c.lora.alpha = 32;
        c.lora.targetModules = {"q_proj", "k_proj"};
        c.maxSteps = 123;
        c.batchSize = 3;
        c.gradientAccumulation = 4;
        c.shuffle = false;
        c.learningRate = 3e-4;
        c.weightDecay = 0.1;
        c.beta2 = 0.95;
        c.warmupSteps = 10;
        c.schedule = lora::LearningRateSchedule::Cosine;
        c.maxGradNorm = 0.5;
        c.evalSteps = 20;
        c.validationFraction = 0.1;
        c.seed = 1234;
        c.saveSteps = 50;
        c.saveTotalLimit = 2;
        c.outputDir = "/runs/a";
        const auto back = lora::trainingConfigFromJson(lora::trainingConfigToJson(c), "run.json");
        QCOMPARE(lora::trainingConfigToJson(back), lora::trainingConfigToJson(c));
        QCOMPARE(back.lora.r, 16);
        QCOMPARE(back.lora.targetModules, (std::vector<std::string>{"q_proj", "k_proj"}));
        QCOMPARE(back.mode, lora::TrainingMode::Full);
        QCOMPARE(back.schedule, lora::LearningRateSchedule::Cosine);
        QCOMPARE(back.gradientAccumulation, int64_t{4});
        QCOMPARE(back.dataset.maxLength, 512);
        QCOMPARE(back.seed, uint64_t{1234});
    }

    void unknownKeyIsAnError()
    {
        try {
            lora::trainingConfigFromJson(R"({"learning_rat": 0.1})", "run.json");
            QFAIL("a misspelt key was accepted");
        } catch (const lora::Error& e) {
            QVERIFY2(QString(e.what()).contains("learning_rat"), e.what());
            QVERIFY2(QString(e.what()).contains("run.json"), e.what());
        }
    }

    void integerOutOfRangeIsAnError_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("key");
        QTest::newRow("float steps") << R"({"max_steps": 1e300})" << "max_steps";
        QTest::newRow("batch past int64") << R"({"per_device_train_batch_size": 18446744073709551615})" << "per_device_train_batch_size";
        QTest::newRow("negative seed") << R"({"seed": -1})" << "seed";
        QTest::newRow("eos id a float") << R"({"dataset": {"eos_id": 2.5}})" << "eos_id";
    }
    void integerOutOfRangeIsAnError()
    {
        QFETCH(QString, json);
        QFETCH(QString, key);
        try {
            lora::trainingConfigFromJson(json.toStdString(), "run.json");
            QFAIL("an out-of-range integer was accepted");
        } catch (const lora::Error& e) {
            QVERIFY2(QString(e.what()).contains(key), e.what());
            QVERIFY2(QString(e.what()).contains("run.json"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestTrainingConfig)
#include "test_training_config.moc"
