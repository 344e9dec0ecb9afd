// The inference-time adapter scale: 0 gives the base model, 1 the adapter, 0.5 the halfway ΔW; detaching gives the
// adapter back its trained scaling.
#include "../adapter/adapter_test_support.h"

using namespace lora;
using namespace lora::test;

namespace {
double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }
}  // namespace

class TestAdapterScale final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scalesTheUpdate()
    {
        auto m = Model::load(fixtureModel("llama"));
        const auto base = logitsOf(*m);
        auto adapter = Adapter::create(*m, loraConfig({"q_proj", "v_proj", "down_proj"}, 4), 1);
        addNoise(*adapter, 2);
        m->setAdapter(adapter);
        const auto full = logitsOf(*m);
        QVERIFY(maxDiff(full, base) > 1e-3);

        m->setAdapterScale(0.0);
        QVERIFY(maxDiff(logitsOf(*m), base) < 1e-6);

        m->setAdapterScale(0.5);
        const auto half = logitsOf(*m);
        QVERIFY(maxDiff(half, base) > 1e-4 && maxDiff(half, full) > 1e-4);
        QCOMPARE(m->adapterScale(), 0.5);

        m->setAdapterScale(1.0);
        QVERIFY(maxDiff(logitsOf(*m), full) < 1e-6);
    }

    void keptAcrossAdaptersAndResetOnDetach()
    {
        auto m = Model::load(fixtureModel("llama"));
        auto adapter = Adapter::create(*m, loraConfig({"q_proj"}, 4), 1);
        addNoise(*adapter, 2);
        m->setAdapter(adapter);
        const auto full = logitsOf(*m);
        m->setAdapterScale(0.0);
        m->setAdapter(nullptr);
        for (const auto& t : adapter->targets())
            QCOMPARE(adapter->impl().lora->branch(t.name)->scaling(), t.scaling);
        m->setAdapter(adapter);  // the model's scale (0) applies again
        QVERIFY(maxDiff(logitsOf(*m), full) > 1e-3);
        QVERIFY(contains(errorOf([&] { m->setAdapterScale(std::nan("")); }), "finite"));
    }
};

QTEST_GUILESS_MAIN(TestAdapterScale)
#include "test_adapter_scale.moc"
