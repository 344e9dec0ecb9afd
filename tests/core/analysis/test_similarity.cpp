// φ(A₁, A₂, i, j) equals its definition computed directly from dense SVDs, is 1 for an adapter with itself and
// names the problem for a module one adapter lacks.
#include "../adapter/adapter_test_support.h"
#include "lora/analysis.h"

#include <cmath>

using namespace lora;
using namespace lora::test;

class TestSimilarity final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesDirectComputation()
    {
        auto m = Model::load(fixtureModel("llama"));
        auto first = Adapter::create(*m, loraConfig({"q_proj", "v_proj"}, 4), 1);
        auto second = Adapter::create(*m, loraConfig({"q_proj"}, 8), 2);
        addNoise(*first, 3);
        addNoise(*second, 4);
        const std::string module = "model.layers.1.self_attn.q_proj";
        const auto phi = subspaceSimilarity(*first, *second, module);
        QCOMPARE(phi.rows, 4);
        QCOMPARE(phi.cols, 8);

        const auto a1 = first->impl().lora->branch(module)->A.to(torch::kFloat64);
        const auto a2 = second->impl().lora->branch(module)->A.to(torch::kFloat64);
        const auto v1 = std::get<2>(torch::linalg_svd(a1, false)).t();
        const auto v2 = std::get<2>(torch::linalg_svd(a2, false)).t();
        for (int i = 1; i <= 4; ++i)
            for (int j = 1; j <= 8; ++j) {
                const auto overlap = torch::mm(v1.narrow(1, 0, i).t(), v2.narrow(1, 0, j));
                const double direct = overlap.square().sum().item<double>() / std::min(i, j);
                QVERIFY2(std::abs(phi.at(i, j) - direct) < 1e-9, (std::to_string(i) + "," + std::to_string(j)).c_str());
                QVERIFY(phi.at(i, j) >= -1e-12 && phi.at(i, j) <= 1 + 1e-9);
            }
    }

    void anAdapterWithItselfIsOne()
    {
        auto m = Model::load(fixtureModel("gpt2"));
        auto adapter = Adapter::create(*m, loraConfig({"c_attn"}, 4), 1);
        addNoise(*adapter, 2);
        const auto phi = subspaceSimilarity(*adapter, *adapter, "transformer.h.0.attn.c_attn");
        for (int i = 1; i <= 4; ++i)
            QVERIFY(std::abs(phi.at(i, i) - 1) < 1e-9);
    }

    void missingModuleIsNamed()
    {
        auto m = Model::load(fixtureModel("llama"));
        auto first = Adapter::create(*m, loraConfig({"q_proj"}, 4), 1);
        auto second = Adapter::create(*m, loraConfig({"v_proj"}, 4), 2);
        QCOMPARE(commonModules(*first, *second).size(), size_t(0));
        const auto message = errorOf([&] { subspaceSimilarity(*first, *second, "model.layers.0.self_attn.q_proj"); });
        QVERIFY2(contains(message, "no LoRA module named 'model.layers.0.self_attn.q_proj'"), message.c_str());
        QVERIFY(contains(message, "v_proj"));
    }
};

QTEST_GUILESS_MAIN(TestSimilarity)
#include "test_similarity.moc"
