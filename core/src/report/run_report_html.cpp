#include "lora/report.h"
#include "report/report_page.h"

#include <algorithm>
#include <map>

namespace lora {
namespace {

using namespace report;

std::string summarySection(const RunRecord& r)
{
    std::vector<std::pair<std::string, std::string>> rows = {
        {"status", runStatusName(r.status) + (r.error.empty() ? "" : ": " + r.error)},
        {"model", r.modelPath},
        {"data", r.datasetPath},
        {"device", r.device},
        {"output folder", r.outputDir},
        {"created", formatTime(r.createdAt)},
        {"steps", formatCount(r.stepsDone) + " of " + formatCount(r.totalSteps)},
        {"tokens trained on", formatCount(r.tokens)},
        {"training time", formatDuration(r.trainSeconds)},
        {"trainable / total parameters", formatCount(r.trainableParams) + " / " + formatCount(r.totalParams)},
        {"final train loss", formatValue(r.finalTrainLoss)},
        {"final validation loss", formatValue(r.finalValLoss)},
        {"best validation loss",
         formatValue(r.bestValLoss) + (r.bestValStep ? " at step " + std::to_string(*r.bestValStep) : "")},
    };
    if (!r.tags.empty()) {
        std::string tags;
        for (const auto& t : r.tags)
            tags += (tags.empty() ? "" : ", ") + t;
        rows.emplace_back("tags", tags);
    }
    if (!r.notes.empty())
        rows.emplace_back("notes", r.notes);
    if (r.sweepId)
        rows.emplace_back("sweep", "#" + std::to_string(*r.sweepId) + ", cell " + std::to_string(r.sweepCell.value_or(0)));
    return "<h2>Summary</h2>\n" + keyValueTable(rows, "summary");
}

// One series per (split, name), in step order.
ChartSeries seriesOf(const std::vector<MetricRow>& metrics, const std::string& split, const std::string& name,
                     const std::string& label)
{
    ChartSeries series{label, {}};
    for (const auto& m : metrics)
        if (m.split == split && m.name == name)
            series.points.emplace_back(static_cast<double>(m.step), m.value);
    std::sort(series.points.begin(), series.points.end());
    return series;
}

std::string curvesSection(const std::vector<MetricRow>& metrics)
{
    std::string s = "<h2>Training curves</h2>\n";
    if (metrics.empty())
        return s + notesHtml({"No metrics were recorded for this run (it never completed a step)."});
    LineChart loss{"Loss", "optimizer step", "loss", {}};
    for (auto series : {seriesOf(metrics, "train", "loss", "train loss"), seriesOf(metrics, "val", "loss", "validation loss")})
        if (!series.points.empty())
            loss.series.push_back(std::move(series));
    s += svgLineChart(loss);
    auto lr = seriesOf(metrics, "train", "learning_rate", "learning rate");
    if (!lr.points.empty())
        s += svgLineChart({"Learning rate", "optimizer step", "learning rate", {std::move(lr)}});
    auto grad = seriesOf(metrics, "train", "grad_norm", "gradient norm (before clipping)");
    if (!grad.points.empty())
        s += svgLineChart({"Gradient norm", "optimizer step", "‖g‖", {std::move(grad)}});
    return s;
}

std::string budgetSection(const ParameterBudget& b)
{
    std::string s = "<h2>Parameter budget</h2>\n<p>" + htmlEscape(b.peftSummary()) + "; the adapter is " +
                    formatBytes(b.adapterBytes) + " as float32; full fine-tuning would train " +
                    formatCount(b.fullFineTuneParameters) + " parameters.</p>\n";
    BarChart layers{"Trainable parameters per layer", "trainable parameters", {}};
    std::vector<std::vector<std::string>> layerRows;
    for (const auto& [layer, n] : b.perLayer) {
        const std::string name = layer < 0 ? "outside the blocks" : "layer " + std::to_string(layer);
        layers.bars.emplace_back(name, static_cast<double>(n));
        layerRows.push_back({name, formatCount(n)});
    }
    s += svgBarChart(layers) + dataTable({"layer", "trainable parameters"}, layerRows, {false, true}, "per-layer");
    std::vector<std::vector<std::string>> moduleRows;
    for (const auto& [module, n] : b.perModule)
        moduleRows.push_back({module, formatCount(n)});
    return s + "<h3>Per module</h3>\n" +
           dataTable({"module", "trainable parameters"}, moduleRows, {false, true}, "per-module");
}

std::string spectraSection(const AdapterSpectra& spectra)
{
    std::string s = "<h2>Spectra of ΔW = s·B·A</h2>\n<p>Singular values of each module's update, computed exactly from "
                    "its r×r core. Effective rank: exp of the entropy of σᵢ/Σσ (r when every direction is used "
                    "equally); rank&gt;t: σᵢ &gt; " +
                    formatValue(spectra.options.rankThreshold) + "·σ₁; top-" + std::to_string(spectra.options.topK) +
                    " energy: the share of ‖ΔW‖² in the largest singular value(s).</p>\n";
    if (!spectra.note.empty())
        s += notesHtml({spectra.note});
    // Past a few dozen modules one bar each is a wall: the chart shows each kind's mean over the layers instead.
    constexpr size_t kMaxBars = 48;
    const bool byKind = spectra.modules.size() > kMaxBars;
    BarChart effective{byKind ? "Mean effective rank per module kind (over the layers)" : "Effective rank per module",
                       "effective rank (of r)", {}};
    std::map<std::string, std::pair<double, int>> kinds;  // kind -> (sum, count)
    std::vector<std::string> kindOrder;
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : spectra.modules) {
        if (!byKind) {
            effective.bars.emplace_back(m.module, m.effectiveRank);
        } else {
            const auto [it, added] = kinds.try_emplace(m.kind, 0.0, 0);
            if (added)
                kindOrder.push_back(m.kind);
            it->second.first += m.effectiveRank;
            ++it->second.second;
        }
        std::string top;
        for (size_t i = 0; i < m.singularValues.size() && i < 4; ++i)
            top += (i ? "  " : "") + formatValue(m.singularValues[i]);
        rows.push_back({m.module, std::to_string(m.rank), formatValue(m.effectiveRank), std::to_string(m.thresholdRank),
                        formatValue(m.topEnergy), formatValue(m.relativeNorm), top});
    }
    for (const auto& kind : kindOrder)
        effective.bars.emplace_back(kind, kinds[kind].first / kinds[kind].second);
    return s + svgBarChart(effective) +
           dataTable({"module", "r", "effective rank", "rank>t", "top-k energy", "‖ΔW‖/‖W‖", "largest σ"}, rows,
                     {false, true, true, true, true, true, false}, "spectra");
}

}  // namespace

std::string runReportHtml(const RunReport& report)
{
    const auto& r = report.run;
    const std::string title = "Run " + std::to_string(r.id) + ": " + r.name;
    std::string body = "<h1>" + htmlEscape(title) + "</h1>\n<p class=\"meta\">LoRA Studio run report · " +
                       htmlEscape(runStatusName(r.status)) + " · " + htmlEscape(formatTime(r.createdAt)) + "</p>\n";
    body += notesHtml(report.notes);
    body += summarySection(r);
    body += curvesSection(report.metrics);
    if (report.budget)
        body += budgetSection(*report.budget);
    if (report.spectra)
        body += spectraSection(*report.spectra);
    body += "<h2>Configuration</h2>\n" + keyValueTable(flattenJson(r.configJson), "config");
    return htmlPage(title + " — LoRA Studio report", body);
}

}  // namespace lora
