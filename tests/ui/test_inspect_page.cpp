// The Inside-the-adapter page: the heatmap holds the figures core computed for each module, clicking a cell shows
// that module's singular values and its W beside ΔW, a run's checkpoints replay with the slider, and φ against a
// second adapter is the one core computes.
#include "data/message_banner.h"
#include "inspect/delta_weight_panel.h"
#include "inspect/inspect_page.h"
#include "inspect/matrix_heatmap.h"
#include "inspect/similarity_panel.h"
#include "inspect/spectrum_plot.h"

#include "../core/adapter/adapter_test_support.h"
#include "lora/analysis.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

bool sameFigure(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); }

// Where `module` sits in the heatmap, or (-1, -1).
QPoint cellOf(const LayerModuleHeatmap& map, const std::string& module)
{
    for (int r = 0; r < map.rowCount(); ++r)
        for (int c = 0; c < map.columnCount(); ++c)
            if (map.moduleAt(r, c).toStdString() == module)
                return {c, r};
    return {-1, -1};
}

}  // namespace

class TestInspectPage final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::shared_ptr<lora::Model> model_;
    QString first_;
    QString second_;

    QString saveNoisy(const QString& folder, int rank, uint64_t seed)
    {
        auto adapter = lora::Adapter::create(*model_, lora::test::loraConfig({"q_proj", "v_proj", "down_proj"}, rank),
                                             seed);
        lora::test::addNoise(*adapter, seed);
        adapter->save(folder.toStdString());
        return folder;
    }

    lora::AdapterSpectra expected(const QString& folder)
    {
        return lora::analyzeAdapter(*lora::Adapter::load(*model_, folder.toStdString()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
        model_ = lora::Model::load(lora::test::fixtureModel("llama"));
        first_ = saveNoisy(dir_.filePath("first"), 4, 1);
        second_ = saveNoisy(dir_.filePath("second"), 6, 2);
    }

    void heatmapHoldsCoreFiguresAndClickShowsSpectrum()
    {
        InspectPage page;
        page.resize(1400, 1000);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setModel(model_, "llama");
        QSignalSpy ready(&page, &InspectPage::spectraReady);
        page.openFolder(first_);
        QVERIFY(ready.wait(60000));
        QVERIFY2(!page.banner()->isError(), qPrintable(page.banner()->text()));

        const auto core = expected(first_);
        auto* map = page.heatmap();
        QCOMPARE(map->rowCount(), 2);     // the fixture's two blocks
        QCOMPARE(map->columnCount(), 3);  // q_proj, v_proj, down_proj
        for (auto figure : {SpectrumFigure::EffectiveRank, SpectrumFigure::RelativeNorm, SpectrumFigure::TopEnergy}) {
            page.setFigure(figure);
            for (const auto& m : core.modules) {
                const QPoint cell = cellOf(*map, m.module);
                QVERIFY2(cell.x() >= 0, m.module.c_str());
                QVERIFY2(sameFigure(map->valueAt(cell.y(), cell.x()), figureOf(m, figure)), m.module.c_str());
            }
        }

        // A click on the cell of the last module (not the one shown first) shows its spectrum, then W and ΔW.
        const auto& target = core.modules.back();
        const QPoint cell = cellOf(*map, target.module);
        QSignalSpy matrices(&page, &InspectPage::matricesReady);
        QTest::mouseClick(map, Qt::LeftButton, {}, map->cellCenter(cell.y(), cell.x()));
        QCOMPARE(page.spectrumPlot()->module().toStdString(), target.module);
        const auto shown = page.spectrumPlot()->values();
        QCOMPARE(shown.size(), target.singularValues.size());
        for (size_t i = 0; i < shown.size(); ++i)
            QVERIFY(sameFigure(shown[i], target.singularValues[i]));
        while (page.isBusy() || matrices.isEmpty())
            QVERIFY(matrices.wait(60000));
        auto* panel = page.deltaWeightPanel();
        QCOMPARE(panel->weightMap()->rows(), 64);  // down_proj is 64 × 96: no side above 96, shown whole
        QCOMPARE(panel->weightMap()->cols(), 96);
        QCOMPARE(panel->deltaMap()->rows(), 64);
        QVERIFY2(panel->explanation().contains("rank at most 4"), qPrintable(panel->explanation()));
    }

    void checkpointsReplay()
    {
        const QString run = dir_.filePath("run");
        saveNoisy(run + "/checkpoints/step-000002/adapter", 4, 3);
        saveNoisy(run + "/checkpoints/step-000004/adapter", 4, 4);
        InspectPage page;
        page.setModel(model_, "llama");
        QSignalSpy ready(&page, &InspectPage::spectraReady);
        page.openFolder(run);
        QVERIFY(ready.wait(60000));
        QCOMPARE(page.frameCount(), 2);
        QCOMPARE(page.frame(), 1);  // the newest first
        QCOMPARE(page.spectra()->step, int64_t(4));
        page.setFigure(SpectrumFigure::RelativeNorm);
        page.setFrame(0);
        QCOMPARE(page.spectra()->step, int64_t(2));
        const auto core = expected(run + "/checkpoints/step-000002");
        for (const auto& m : core.modules) {
            const QPoint cell = cellOf(*page.heatmap(), m.module);
            QVERIFY(sameFigure(page.heatmap()->valueAt(cell.y(), cell.x()), m.relativeNorm));
        }
        while (page.isBusy())
            QTest::qWait(50);
    }

    void similarityWithSecondAdapter()
    {
        InspectPage page;
        page.setModel(model_, "llama");
        QSignalSpy ready(&page, &InspectPage::spectraReady);
        page.openFolder(first_);
        QVERIFY(ready.wait(60000));
        auto* panel = page.similarityPanel();
        // Before a comparison the φ map draws nothing: axes and a colour bar around no data read as a result.
        QVERIFY(!panel->phiMap()->xAxis->visible());
        QSignalSpy similar(panel, &SimilarityPanel::similarityReady);
        panel->compareWith(second_);
        while (panel->isBusy() || similar.isEmpty())
            QVERIFY(similar.wait(60000));
        QVERIFY2(panel->error().isEmpty(), qPrintable(panel->error()));
        const auto& phi = panel->similarity();
        const auto core = lora::subspaceSimilarity(*lora::Adapter::load(*model_, first_.toStdString()),
                                                   *lora::Adapter::load(*model_, second_.toStdString()), phi.module);
        QCOMPARE(panel->phiMap()->rows(), 4);
        QCOMPARE(panel->phiMap()->cols(), 6);
        QVERIFY(panel->phiMap()->xAxis->visible());
        for (int i = 1; i <= 4; ++i)
            for (int j = 1; j <= 6; ++j)
                QVERIFY(sameFigure(panel->phiMap()->valueAt(i - 1, j - 1), core.at(i, j)));
        while (page.isBusy())
            QTest::qWait(50);
    }

    void badFolderIsExplained()
    {
        InspectPage page;
        page.setModel(model_, "llama");
        QSignalSpy ready(&page, &InspectPage::spectraReady);
        page.openFolder(dir_.filePath("missing"));
        QVERIFY(ready.wait(60000));
        QVERIFY(page.banner()->isError());
        QVERIFY2(page.banner()->text().contains("missing"), qPrintable(page.banner()->text()));
        QCOMPARE(page.heatmap()->rowCount(), 0);
    }
};

QTEST_MAIN(TestInspectPage)
#include "test_inspect_page.moc"
