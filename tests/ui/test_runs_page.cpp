// The Runs page over a database of known runs: the table (sorting, filtering), the overlaid curves (the exact
// points of each run's metric against step, tokens; log scale), the config diff (exactly the differing settings
// highlighted), and edits written back to the database.
#include "lora/run_store.h"
#include "runs/config_diff.h"
#include "runs/run_curves.h"
#include "runs/runs_model.h"
#include "runs/runs_page.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace fs = std::filesystem;

namespace {

struct Known {
    std::string name;
    int r;
    double lr;
    double loss0;
};
const Known kRuns[] = {{"alpha small", 4, 1e-3, 3.0}, {"beta", 8, 1e-3, 2.0}, {"gamma", 8, 5e-4, 4.0}};

double lossAt(const Known& k, int step) { return k.loss0 / (1.0 + 0.5 * step); }

}  // namespace

class TestRunsPage final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path db_;
    std::vector<int64_t> ids_;

private Q_SLOTS:
    void initTestCase()
    {
        db_ = fs::path(tmp_.path().toStdString()) / "runs.sqlite";
        lora::RunStore store(db_);
        for (const auto& k : kRuns) {
            const auto config = "{\"learning_rate\": " + std::to_string(k.lr) + ", \"max_steps\": 5, \"lora\": {\"r\": " +
                                std::to_string(k.r) + ", \"lora_alpha\": 16}, \"seed\": 42}";
            const auto id = store.createRun({.name = k.name, .configJson = config, .totalSteps = 5,
                                             .tags = {k.name == "beta" ? "best" : "x"}});
            store.markRunning(id);
            {
                lora::MetricWriter w(db_, id);
                for (int s = 1; s <= 5; ++s) {
                    w.add({s, s * 0.2, s * 100, s * 0.5, "train", "loss", lossAt(k, s)});
                    w.add({s, s * 0.2, s * 100, s * 0.5, "train", "learning_rate", k.lr});
                }
            }
            store.finishRun(id, {lora::RunStatus::Completed, "", 2.5});
            ids_.push_back(id);
        }
    }

    void tableListsSortsAndFilters()
    {
        RunsPage page(db_);
        QSignalSpy loaded(&page, &RunsPage::loaded);
        QVERIFY(loaded.wait(10000));
        QVERIFY2(page.lastError().isEmpty(), qPrintable(page.lastError()));
        QCOMPARE(page.model()->rowCount(), 3);
        auto* proxy = page.proxy();
        proxy->sort(RunsModel::FinalLoss, Qt::AscendingOrder);  // final losses: beta < alpha < gamma
        QCOMPARE(proxy->index(0, RunsModel::Name).data().toString(), QStringLiteral("beta"));
        QCOMPARE(proxy->index(2, RunsModel::Name).data().toString(), QStringLiteral("gamma"));
        QCOMPARE(proxy->index(0, RunsModel::Rank).data().toInt(), 8);
        page.filter()->setText(QStringLiteral("ALPHA"));
        QCOMPARE(proxy->rowCount(), 1);
        QCOMPARE(proxy->index(0, RunsModel::Name).data().toString(), QStringLiteral("alpha small"));
        page.filter()->setText(QStringLiteral("best"));  // tags are filtered too
        QCOMPARE(proxy->rowCount(), 1);
        QCOMPARE(proxy->index(0, RunsModel::Name).data().toString(), QStringLiteral("beta"));
    }

    void overlayShowsTheRunsMetrics()
    {
        RunsPage page(db_);
        QSignalSpy loaded(&page, &RunsPage::loaded);
        QVERIFY(loaded.wait(10000));
        // Nothing selected: no axes around no data, but what to do.
        auto* empty = page.curves()->plot();
        QVERIFY(empty->emptyMessage().contains("Select runs"));
        QVERIFY(!empty->xAxis->visible() && !empty->legend->visible());
        // The buttons say what they can act on: one run for most, any number for Delete.
        auto enabled = [&](const char* name) { return page.findChild<QPushButton*>(name)->isEnabled(); };
        QVERIFY(!enabled("runAgainButton") && !enabled("resumeButton") && !enabled("exportReportButton"));
        QVERIFY(!enabled("deleteButton"));
        QSignalSpy one(&page, &RunsPage::selectionLoaded);
        page.selectRuns({ids_[1]});
        QVERIFY(one.wait(10000));
        QVERIFY(enabled("runAgainButton") && enabled("resumeButton") && enabled("exportReportButton"));
        QVERIFY(enabled("deleteButton"));
        QSignalSpy selection(&page, &RunsPage::selectionLoaded);
        page.selectRuns({ids_[0], ids_[2]});
        QVERIFY(selection.wait(10000));
        QCOMPARE(page.selectedRunIds(), (QList<qint64>{ids_[0], ids_[2]}));
        QVERIFY(!enabled("runAgainButton") && !enabled("exportReportButton") && enabled("deleteButton"));
        auto* plot = page.curves()->plot();
        QCOMPARE(plot->graphCount(), 2);
        QVERIFY(empty->emptyMessage().isEmpty());
        QVERIFY(plot->xAxis->visible() && plot->yAxis->visible() && plot->legend->visible());
        QCOMPARE(page.curves()->metricNames(), (QStringList{"train/learning_rate", "train/loss"}));
        const Known* shown[] = {&kRuns[0], &kRuns[2]};
        for (int g = 0; g < 2; ++g) {
            auto data = plot->graph(g)->data();
            QCOMPARE(data->size(), 5);
            for (int s = 1; s <= 5; ++s) {
                QCOMPARE(data->at(s - 1)->key, double(s));
                QCOMPARE(data->at(s - 1)->value, lossAt(*shown[g], s));
            }
            QVERIFY(plot->graph(g)->name().contains(QString::fromStdString(shown[g]->name)));
        }
        page.curves()->setXAxis(MetricAxis::Tokens);
        QCOMPARE(plot->graph(0)->data()->at(4)->key, 500.0);
        page.curves()->setMetric(QStringLiteral("train/learning_rate"));
        QCOMPARE(plot->graph(1)->data()->at(0)->value, 5e-4);
        page.curves()->setLogScale(true);
        QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);
        page.curves()->setMetric(QStringLiteral("train/loss"));
        QVERIFY(empty->emptyMessage().isEmpty());

        // The config diff: r and learning_rate differ between these two; alpha, seed, max_steps do not.
        auto* diff = page.configDiff();
        QCOMPARE(diff->columnCount(), 2);
        QCOMPARE(diff->differingKeys(), (QStringList{"learning_rate", "lora.r"}));
        for (int row = 0; row < diff->rowCount(); ++row) {
            const auto key = diff->verticalHeaderItem(row)->text();
            const bool differs = key == "learning_rate" || key == "lora.r";
            for (int col = 0; col < 2; ++col)
                QVERIFY2(ConfigDiff::isHighlighted(diff->item(row, col)) == differs, qPrintable(key));
            if (key == "lora.r") {
                QCOMPARE(diff->item(row, 0)->text(), QStringLiteral("4"));
                QCOMPARE(diff->item(row, 1)->text(), QStringLiteral("8"));
            }
        }
        // Beta and gamma share r: only the learning rate differs.
        page.selectRuns({ids_[1], ids_[2]});
        QVERIFY(selection.wait(10000));
        QCOMPARE(diff->differingKeys(), QStringList{"learning_rate"});
    }

    void editsAreWrittenToTheDatabase()
    {
        RunsPage page(db_);
        QSignalSpy loaded(&page, &RunsPage::loaded);
        QVERIFY(loaded.wait(10000));
        page.renameRun(ids_[1], QStringLiteral("beta renamed"));
        QVERIFY(loaded.wait(10000));
        page.setRunTags(ids_[1], {"a", " b ", ""});
        QVERIFY(loaded.wait(10000));
        page.setRunNotes(ids_[1], QStringLiteral("note"));
        QVERIFY(loaded.wait(10000));
        lora::RunStore store(db_);
        const auto run = store.run(ids_[1]);
        QCOMPARE(run->name, std::string("beta renamed"));
        QCOMPARE(run->tags, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(run->notes, std::string("note"));
        QVERIFY(page.model()->runById(ids_[1]));
        QCOMPARE(page.model()->runById(ids_[1])->name, std::string("beta renamed"));

        // Deleting: the run only, or the run with its output folder.
        const auto folder = fs::path(tmp_.path().toStdString()) / "out-delta";
        fs::create_directories(folder / "checkpoints");
        const auto delta = store.createRun({.name = "delta", .outputDir = folder.string()});
        page.reload();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.model()->rowCount(), 4);
        page.deleteRun(ids_[2], false);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.model()->rowCount(), 3);
        QVERIFY(!store.run(ids_[2]));
        QVERIFY(fs::exists(folder));
        page.deleteRun(delta, true);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.model()->rowCount(), 2);
        QVERIFY(!store.run(delta));
        QVERIFY(!fs::exists(folder));

        // A run whose output folder also holds the user's own work: only the run's files go, and the page says
        // what it kept.
        const auto shared = fs::path(tmp_.path().toStdString()) / "my-project";
        fs::create_directories(shared / "checkpoints" / "step-000002");
        std::ofstream(shared / "adapter_model.safetensors") << "x";
        std::ofstream(shared / "thesis.tex") << "my work";
        const auto epsilon = store.createRun({.name = "epsilon", .outputDir = shared.string()});
        page.reload();
        QVERIFY(loaded.wait(10000));
        page.deleteRun(epsilon, true);
        QVERIFY(loaded.wait(10000));
        QVERIFY(!store.run(epsilon));
        QVERIFY(fs::exists(shared / "thesis.tex"));
        QVERIFY(!fs::exists(shared / "checkpoints"));
        QVERIFY(!fs::exists(shared / "adapter_model.safetensors"));
        QVERIFY2(page.lastNotice().contains("thesis.tex"), qPrintable(page.lastNotice()));
    }
};

QTEST_MAIN(TestRunsPage)
#include "test_runs_page.moc"
