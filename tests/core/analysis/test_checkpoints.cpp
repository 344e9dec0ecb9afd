// Replay over training: a run's checkpoints are found in step order, each analysed as its own adapter.
#include "../adapter/adapter_test_support.h"
#include "lora/analysis.h"

using namespace lora;
using namespace lora::test;

class TestCheckpoints final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replaysInStepOrder()
    {
        QTemporaryDir tmp;
        const auto run = tempPath(tmp, "run");
        auto m = Model::load(fixtureModel("llama"));
        std::vector<std::shared_ptr<Adapter>> saved;
        for (const int step : {20, 5, 100}) {  // written out of order on purpose
            auto adapter = Adapter::create(*m, loraConfig({"q_proj"}, 4), step);
            addNoise(*adapter, step);
            char name[32];
            std::snprintf(name, sizeof name, "step-%06d", step);
            adapter->save(run / "checkpoints" / name / "adapter");
            saved.push_back(adapter);
        }
        std::filesystem::create_directories(run / "checkpoints" / "step-abc");  // not a checkpoint name
        const auto list = listCheckpoints(run);
        QCOMPARE(list.size(), size_t(3));
        QCOMPARE(list[0].step, int64_t(5));
        QCOMPARE(list[2].step, int64_t(100));

        int calls = 0;
        const auto replay = analyzeCheckpoints(*m, run, {}, [&](int done, int total) {
            ++calls;
            return done < total;
        });
        QCOMPARE(calls, 3);
        QCOMPARE(replay.size(), size_t(3));
        const auto direct = analyzeAdapter(*saved[0]);  // step 20 is the second in step order
        QCOMPARE(replay[1].step, int64_t(20));
        for (size_t k = 0; k < direct.modules.size(); ++k)
            for (size_t i = 0; i < direct.modules[k].singularValues.size(); ++i)
                QVERIFY(std::abs(replay[1].modules[k].singularValues[i] - direct.modules[k].singularValues[i]) <
                        1e-6 * direct.modules[k].singularValues[0]);
    }

    void stopsWhenAsked()
    {
        QTemporaryDir tmp;
        auto m = Model::load(fixtureModel("llama"));
        for (const char* name : {"step-000001", "step-000002"})
            Adapter::create(*m, loraConfig({"q_proj"}, 2), 1)->save(tempPath(tmp, "checkpoints") / name / "adapter");
        const auto replay = analyzeCheckpoints(*m, tempPath(tmp, ""), {}, [](int, int) { return false; });
        QCOMPARE(replay.size(), size_t(1));
    }

    void emptyRunIsExplained()
    {
        QTemporaryDir tmp;
        const auto message = errorOf([&] { listCheckpoints(tempPath(tmp, "")); });
        QVERIFY2(contains(message, "holds no checkpoints"), message.c_str());
        QVERIFY(contains(errorOf([&] { listCheckpoints(tempPath(tmp, "missing")); }), "not found"));
    }
};

QTEST_GUILESS_MAIN(TestCheckpoints)
#include "test_checkpoints.moc"
