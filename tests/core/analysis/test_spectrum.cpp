// The spectrum from the r×r core equals a dense SVD of ΔW; the figures read off it are those of known spectra.
#include "../adapter/adapter_test_support.h"
#include "analysis/low_rank.h"
#include "lora/analysis.h"
#include "model/linear.h"

#include <cmath>

using namespace lora;
using namespace lora::test;

class TestSpectrum final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesDenseSvd_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("targets");
        QTest::addColumn<int>("rank");
        QTest::newRow("llama") << "llama" << "q_proj,v_proj,down_proj" << 4;
        QTest::newRow("gpt2 Conv1D") << "gpt2" << "c_attn,c_fc" << 6;
        QTest::newRow("rank above a side") << "llama" << "k_proj" << 40;  // k_proj is 64 -> 32
    }

    void matchesDenseSvd()
    {
        QFETCH(QString, model);
        QFETCH(QString, targets);
        QFETCH(int, rank);
        auto m = Model::load(fixtureModel(model.toStdString()));
        std::vector<std::string> names;
        for (const auto& t : targets.split(','))
            names.push_back(t.toStdString());
        auto adapter = Adapter::create(*m, loraConfig(names, rank), 3);
        addNoise(*adapter, 5);
        const auto spectra = analyzeAdapter(*adapter, {2, 0.05});
        QCOMPARE(spectra.modules.size(), adapter->targets().size());
        for (const auto& s : spectra.modules) {
            auto& linear = adapter::findLinear(*adapter->impl().network, s.module);
            const auto delta = adapter->impl().lora->branch(s.module)->deltaWeight(linear).to(torch::kFloat64);
            const auto dense = torch::linalg_svdvals(delta);
            const auto n = static_cast<int64_t>(s.singularValues.size());
            QCOMPARE(n, std::min<int64_t>({rank, delta.size(0), delta.size(1)}));
            const double largest = dense[0].item<double>();
            for (int64_t i = 0; i < n; ++i)
                QVERIFY2(std::abs(s.singularValues[i] - dense[i].item<double>()) <= 1e-5 * largest,
                         (s.module + " sigma " + std::to_string(i)).c_str());
            const double deltaNorm = delta.norm().item<double>();
            QVERIFY(std::abs(s.deltaNorm - deltaNorm) <= 1e-5 * deltaNorm);
            const double weightNorm = adapter::linearLayoutWeight(linear).to(torch::kFloat64).norm().item<double>();
            QVERIFY(std::abs(s.relativeNorm - deltaNorm / weightNorm) <= 1e-5 * s.relativeNorm);
            QCOMPARE(s.layer, layerIndexOf(s.module));
            QVERIFY(s.effectiveRank >= 1 && s.effectiveRank <= n + 1e-9);
        }
    }

    void figuresOfKnownSpectra()
    {
        ModuleSpectrum flat;
        analysis::fillSpectrumFigures({2, 2, 2, 2}, {1, 0.01}, flat);
        QVERIFY(std::abs(flat.effectiveRank - 4) < 1e-12);  // equal σ: exactly r
        QCOMPARE(flat.thresholdRank, 4);
        QVERIFY(std::abs(flat.topEnergy - 0.25) < 1e-12);
        QVERIFY(std::abs(flat.deltaNorm - 4) < 1e-12);

        ModuleSpectrum skewed;
        analysis::fillSpectrumFigures({3, 1, 0.001, 0}, {2, 0.01}, skewed);
        const double h = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25));  // the 0.001 shifts it slightly
        QVERIFY(std::abs(skewed.effectiveRank - std::exp(h)) < 5e-3);
        QCOMPARE(skewed.thresholdRank, 2);
        QVERIFY(std::abs(skewed.topEnergy - 10.0 / (10.0 + 1e-6)) < 1e-12);

        ModuleSpectrum zero;
        analysis::fillSpectrumFigures({0, 0}, {1, 0.01}, zero);
        QCOMPARE(zero.effectiveRank, 0.0);
        QCOMPARE(zero.thresholdRank, 0);
    }

    // A built ΔW whose spectrum is known: B = diag-like, A = its transpose, so ΔW = s·diag(σ) on the first r axes.
    void effectiveRankOfConstructedAdapter()
    {
        auto m = Model::load(fixtureModel("llama"));
        auto adapter = Adapter::create(*m, loraConfig({"q_proj"}, 4), 1);
        {
            torch::NoGradGuard noGrad;
            for (const auto& t : adapter->targets()) {
                const auto& b = adapter->impl().lora->branch(t.name);
                b->A.zero_();
                b->B.zero_();
                for (int i = 0; i < 4; ++i) {
                    b->A[i][i] = 1.0;
                    b->B[i][i] = 1.0;
                }
                b->B[3][3] = 0.0;  // three equal directions, one missing
            }
        }
        const auto spectra = analyzeAdapter(*adapter);
        for (const auto& s : spectra.modules) {
            QVERIFY(std::abs(s.effectiveRank - 3) < 1e-9);
            QCOMPARE(s.thresholdRank, 3);
            QVERIFY(std::abs(s.singularValues[0] - s.scaling) < 1e-9);
        }
    }

    void doraIsExplained()
    {
        auto m = Model::load(fixtureModel("llama"));
        auto adapter = Adapter::create(*m, loraConfig({"q_proj"}, 4, true), 1);
        QVERIFY(contains(analyzeAdapter(*adapter).note, "low-rank part"));
    }

    void badOptionsAreRefused()
    {
        auto m = Model::load(fixtureModel("llama"));
        auto adapter = Adapter::create(*m, loraConfig({"q_proj"}, 4), 1);
        QVERIFY(contains(errorOf([&] { analyzeAdapter(*adapter, {0, 0.01}); }), "k ≥ 1"));
        QVERIFY(contains(errorOf([&] { analyzeAdapter(*adapter, {1, 1.5}); }), "[0, 1)"));
    }
};

QTEST_GUILESS_MAIN(TestSpectrum)
#include "test_spectrum.moc"
