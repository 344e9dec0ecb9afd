// Merging, attaching and detaching never leave the base changed: merge then unmerge restores every weight,
// attach/detach cycles keep base logits bit for bit, a merged model computes what the attached adapter does,
// and a saved adapter reads back to the same tensors.
#include "adapter/merge.h"
#include "adapter/peft_folder.h"
#include "adapter_test_support.h"
#include "model/linear.h"

using namespace lora;
using namespace lora::test;

namespace {

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

struct Case {
    const char* model;
    std::vector<std::string> targets;
    bool dora;
    const char* task;
};

std::shared_ptr<Adapter> noisyAdapter(Model& model, const Case& c, uint64_t seed)
{
    auto config = loraConfig(c.targets, 4, c.dora);
    config.taskType = c.task;
    auto adapter = Adapter::create(model, config, seed);
    addNoise(*adapter, seed);
    return adapter;
}

}  // namespace

class TestAdapterMerge final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mergeUnmerge_data()
    {
        QTest::addColumn<int>("index");
        QTest::newRow("gpt2 Conv1D") << 0;
        QTest::newRow("gpt2 Conv1D DoRA") << 1;
        QTest::newRow("llama DoRA") << 2;
        QTest::newRow("bert SEQ_CLS head") << 3;
    }

    void mergeUnmerge()
    {
        static const std::vector<Case> cases = {
            {"gpt2", {"c_attn", "c_fc"}, false, "CAUSAL_LM"},
            {"gpt2", {"c_attn", "c_proj"}, true, "CAUSAL_LM"},
            {"llama", {"q_proj", "v_proj", "down_proj"}, true, "CAUSAL_LM"},
            {"bert", {"query", "value"}, false, "SEQ_CLS"},
        };
        QFETCH(int, index);
        const Case& c = cases[index];
        auto model = Model::load(fixtureModel(c.model));
        const auto before = snapshot(*model);
        const auto baseLogits = logitsOf(*model);

        auto adapter = noisyAdapter(*model, c, 11);
        model->setAdapter(adapter);
        const auto adapted = logitsOf(*model);
        QVERIFY2(maxDiff(adapted, baseLogits) > 1e-2, "the adapter must change the logits");
        model->setAdapter(nullptr);

        auto& network = *model->impl().network;
        const auto backup = adapter::mergeAdapter(*adapter->impl().lora, network);
        const double merged = maxDiff(logitsOf(*model), adapted);
        qInfo("%s: merged vs attached max |diff| %.3g", c.model, merged);
        QVERIFY2(merged <= 1e-4, "merged logits differ from the attached adapter's");

        adapter::unmergeAdapter(network, backup);
        const auto after = snapshot(*model);
        QCOMPARE(after.size(), before.size());
        for (size_t i = 0; i < before.size(); ++i) {
            QVERIFY(after[i].first == before[i].first);
            QVERIFY2(maxDiff(after[i].second, before[i].second) <= 1e-6, before[i].first.c_str());
        }
        QVERIFY2(torch::equal(logitsOf(*model), baseLogits), "unmerged logits differ from the base's");
    }

    void attachDetachKeepsBaseBitwise()
    {
        for (const Case& c : {Case{"bert", {"query", "value", "dense"}, true, "SEQ_CLS"},
                              Case{"llama_tied", {"q_proj", "o_proj"}, false, "CAUSAL_LM"}}) {
            auto model = Model::load(fixtureModel(c.model));
            const auto before = snapshot(*model);
            const auto baseLogits = logitsOf(*model);
            auto a = noisyAdapter(*model, c, 1);
            auto b = noisyAdapter(*model, c, 2);
            for (int cycle = 0; cycle < 3; ++cycle) {
                model->setAdapter(a);
                const auto withA = logitsOf(*model);
                model->setAdapter(b);
                QVERIFY(!torch::equal(logitsOf(*model), withA));
                model->setAdapter(nullptr);
                QVERIFY2(torch::equal(logitsOf(*model), baseLogits), c.model);
            }
            const auto after = snapshot(*model);
            for (size_t i = 0; i < before.size(); ++i)
                QVERIFY2(torch::equal(after[i].second, before[i].second), before[i].first.c_str());
        }
    }

    void headCopyIsTrainedAndSaved()
    {
        auto bert = Model::load(fixtureModel("bert"));
        auto adapter = noisyAdapter(*bert, {"bert", {"query"}, false, "SEQ_CLS"}, 5);
        QVERIFY(adapter->modulesToSave() == std::vector<std::string>{"classifier"});
        QCOMPARE(adapter->budget().trainable, adapter->parameterCount());
        const auto& head = adapter->impl().lora->savedModules().front();
        QVERIFY(head.weight.requires_grad());
        QVERIFY(!head.weight.is_same(adapter::findLinear(*bert->impl().network, "classifier").weight));
    }

    void saveLoadRoundTrip()
    {
        QTemporaryDir tmp;
        for (const Case& c : {Case{"gpt2", {"c_attn"}, true, "CAUSAL_LM"}, Case{"bert", {"value"}, false, "SEQ_CLS"}}) {
            auto model = Model::load(fixtureModel(c.model));
            auto adapter = noisyAdapter(*model, c, 9);
            const auto dir = tempPath(tmp, c.model);
            adapter->save(dir);
            auto loaded = Adapter::load(*model, dir);
            const auto a = adapter->impl().lora->namedTensors();
            const auto b = loaded->impl().lora->namedTensors();
            QCOMPARE(a.size(), b.size());
            for (size_t i = 0; i < a.size(); ++i) {
                QVERIFY2(a[i].first == b[i].first, a[i].first.c_str());
                QVERIFY2(torch::equal(a[i].second, b[i].second), a[i].first.c_str());
            }
        }
    }

    void tiedHeadNotMerged()
    {
        auto model = Model::load(fixtureModel("gpt2"));
        auto adapter = noisyAdapter(*model, {"gpt2", {"lm_head"}, false, "CAUSAL_LM"}, 3);
        const auto msg = errorOf([&] { adapter::mergeAdapter(*adapter->impl().lora, *model->impl().network); });
        QVERIFY2(contains(msg, "tied"), msg.c_str());
        QTemporaryDir tmp;
        const auto msg2 = errorOf([&] { adapter->saveMerged(tempPath(tmp, "merged")); });
        QVERIFY2(contains(msg2, "tied"), msg2.c_str());
    }

    void pissaKeepsOutputsAndIsRecorded()
    {
        auto model = Model::load(fixtureModel("llama"));
        const auto baseLogits = logitsOf(*model);
        auto config = loraConfig({"q_proj", "gate_proj"}, 4);
        config.init = LoraInit::Pissa;
        auto adapter = Adapter::create(*model, config, 1);
        QVERIFY(adapter->modifiesBase());
        QVERIFY(!model->description().warnings.empty());
        QVERIFY2(maxDiff(logitsOf(*model), baseLogits) > 1e-3, "the residual base must differ from the base");
        model->setAdapter(adapter);
        const double same = maxDiff(logitsOf(*model), baseLogits);
        qInfo("PiSSA residual + adapter vs base: %.3g", same);
        QVERIFY(same <= 1e-4);
    }
};

QTEST_GUILESS_MAIN(TestAdapterMerge)
#include "test_adapter_merge.moc"
