// A run recorded in a temporary database (its rows written through the store, its adapter saved from the llama
// fixture) reports its config values, one polyline per metric with one point per stored step, its parameter
// budget and spectra, escapes its name, tags and notes, and fetches nothing from the network. A run that is not
// there is an error naming the database; a model folder that is gone leaves the budget out and says why; an
// output folder that is gone is made up for by the run's adapter in the database's library.
#include "report_test_support.h"

#include "lora/adapter.h"
#include "lora/report.h"
#include "lora/run_store.h"
#include "lora/training.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace lora;
using namespace report_test;
namespace fs = std::filesystem;

namespace {

const fs::path kModel = fs::path(LORA_FIXTURES_DIR) / "models" / "llama";

// Five train steps (loss, learning rate, grad norm) and validation at steps 2 and 4.
void writeMetrics(const fs::path& db, int64_t runId)
{
    MetricWriter writer(db, runId);
    for (int64_t step = 1; step <= 5; ++step) {
        writer.add({step, 0.1 * step, 32 * step, 0.5 * step, "train", "loss", 3.0 - 0.3 * step});
        writer.add({step, 0.1 * step, 32 * step, 0.5 * step, "train", "learning_rate", 0.0123 * (1 - step / 6.0)});
        writer.add({step, 0.1 * step, 32 * step, 0.5 * step, "train", "grad_norm", 1.0 / step});
        if (step % 2 == 0)
            writer.add({step, 0.1 * step, 32 * step, 0.5 * step, "val", "loss", 2.9 - 0.2 * step});
        writer.endStep(step);
    }
    writer.flush();
}

}  // namespace

class TestRunReport final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path dir() const { return tmp_.path().toStdString(); }

    int64_t recordRun(const fs::path& db, const fs::path& modelDir, const std::string& name)
    {
        TrainingConfig config;
        config.modelDir = modelDir;
        config.dataFile = dir() / "data.txt";
        config.outputDir = dir() / ("out-" + std::to_string(std::hash<std::string>{}(name) % 100000));
        config.lora.r = 4;
        config.lora.alpha = 8;
        config.lora.targetModules = {"q_proj", "v_proj"};
        config.learningRate = 0.0123;
        config.maxSteps = 5;
        if (fs::exists(modelDir)) {
            const auto model = Model::load(modelDir);
            auto lora = config.lora;
            lora.init = LoraInit::Gaussian;  // B is still 0 after PEFT's init; the spectra section shows all the same
            Adapter::create(*model, lora, 7)->save(config.outputDir);
        }
        RunStore store(db);
        NewRun run;
        run.name = name;
        run.modelPath = modelDir.string();
        run.configJson = trainingConfigToJson(config);
        run.outputDir = config.outputDir.string();
        run.totalSteps = 5;
        run.tags = {"rank&<4>"};
        const int64_t id = store.createRun(run);
        store.markRunning(id);
        store.setNotes(id, "tried \"quotes\" & <b>markup</b>");
        writeMetrics(db, id);
        store.finishRun(id, {});
        return id;
    }

private Q_SLOTS:
    void reportsConfigCurvesBudgetAndSpectra()
    {
        const auto db = dir() / "runs.sqlite";
        const int64_t id = recordRun(db, kModel, "<script>alert(1)</script>");
        RunStore store(db);
        const auto report = collectRunReport(store, id);
        QVERIFY2(report.notes.empty(), report.notes.empty() ? "" : report.notes.front().c_str());
        const std::string html = runReportHtml(report);

        // Config values, as stored.
        QVERIFY(html.find("<td>learning_rate</td><td>0.0123</td>") != std::string::npos);
        QVERIFY(html.find("<td>lora.r</td><td>4</td>") != std::string::npos);
        // One polyline per metric, one point per stored step.
        QCOMPARE(polylinePoints(html, "data-series=\"train loss\""), 5);
        QCOMPARE(polylinePoints(html, "data-series=\"validation loss\""), 2);
        QCOMPARE(polylinePoints(html, "data-series=\"learning rate\""), 5);
        QCOMPARE(polylinePoints(html, "data-series=\"gradient norm (before clipping)\""), 5);
        // Parameter budget: 2 layers x (q_proj + v_proj), r = 4.
        const auto& budget = *report.budget;
        QCOMPARE(budget.perModule.size(), size_t(4));
        QVERIFY(html.find(budget.peftSummary()) != std::string::npos);
        QVERIFY(html.find("<td>" + budget.perModule.front().first + "</td>") != std::string::npos);
        QCOMPARE(occurrences(html, "class=\"bar\""), static_cast<int>(budget.perLayer.size() + report.spectra->modules.size()));
        // Spectra of the saved adapter.
        QCOMPARE(report.spectra->modules.size(), size_t(4));
        QVERIFY(html.find("Spectra of ΔW") != std::string::npos);
        // User text escaped everywhere; nothing fetched from the network.
        QVERIFY(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
        QVERIFY(html.find("<script") == std::string::npos);
        QVERIFY(html.find("rank&amp;&lt;4&gt;") != std::string::npos);
        QVERIFY(html.find("tried &quot;quotes&quot; &amp; &lt;b&gt;markup&lt;/b&gt;") != std::string::npos);
        QVERIFY(fetchesNothing(html));

        const auto out = dir() / "report.html";
        const size_t written = writeRunReport(store, id, out);
        QCOMPARE(written, static_cast<size_t>(fs::file_size(out)));
        std::ifstream in(out);
        std::stringstream text;
        text << in.rdbuf();
        QVERIFY(text.str().starts_with("<!DOCTYPE html>"));
        QVERIFY(text.str().find("data-series=\"train loss\"") != std::string::npos);
    }

    void aRunThatIsNotThereNamesTheDatabase()
    {
        const auto db = dir() / "empty.sqlite";
        RunStore store(db);
        try {
            collectRunReport(store, 4242);
            QFAIL("no error for a missing run");
        } catch (const Error& e) {
            const std::string message = e.what();
            QVERIFY2(message.find(db.string()) != std::string::npos, e.what());
            QVERIFY2(message.find("no run 4242") != std::string::npos, e.what());
        }
        QVERIFY(!fs::exists(dir() / "never.html"));
        QVERIFY_THROWS_EXCEPTION(Error, writeRunReport(store, 4242, dir() / "never.html"));
        QVERIFY(!fs::exists(dir() / "never.html"));
    }

    void spectraComeFromTheLibraryWhenTheOutputFolderIsGone()
    {
        const auto db = dir() / "library.sqlite";
        const int64_t id = recordRun(db, kModel, "folder deleted");
        RunStore store(db);
        const fs::path out = store.run(id)->outputDir;
        store.importAdapter(out, "its adapter", id);
        fs::remove_all(out);
        const auto report = collectRunReport(store, id);
        QVERIFY2(report.notes.empty(), report.notes.empty() ? "" : report.notes.front().c_str());
        QCOMPARE(report.spectra->modules.size(), size_t(4));

        store.deleteAdapter(store.adapters().front().id);
        const auto without = collectRunReport(store, id);
        QVERIFY(!without.spectra && without.budget);
        QCOMPARE(without.notes.size(), size_t(1));
        QVERIFY(without.notes.front().find(out.string()) != std::string::npos);
    }

    void aMissingModelLeavesTheBudgetOutAndSaysWhy()
    {
        const auto db = dir() / "moved.sqlite";
        const int64_t id = recordRun(db, dir() / "model-that-moved", "moved");
        RunStore store(db);
        const auto report = collectRunReport(store, id);
        QVERIFY(!report.budget && !report.spectra);
        QCOMPARE(report.notes.size(), size_t(1));
        const std::string html = runReportHtml(report);
        QVERIFY(html.find("could not be loaded") != std::string::npos);
        QVERIFY(html.find("model-that-moved") != std::string::npos);
        QCOMPARE(polylinePoints(html, "data-series=\"train loss\""), 5);
    }

    void chartsLeaveOutValuesThatAreNotFinite()
    {
        const std::string svg = svgLineChart({"t", "x", "y", {{"s", {{1, 1}, {2, NAN}, {3, INFINITY}, {4, 2}}}}});
        QCOMPARE(polylinePoints(svg, "data-series=\"s\""), 2);
        QVERIFY(svg.find("nan") == std::string::npos && svg.find("inf") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestRunReport)
#include "test_run_report.moc"
