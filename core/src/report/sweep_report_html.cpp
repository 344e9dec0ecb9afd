#include "lora/report.h"
#include "report/report_page.h"

namespace lora {
namespace {

using namespace report;

std::string costName(const SweepAxes& axes)
{
    return axes.cost == SweepCost::AdapterBytes ? "adapter size (bytes)" : "trainable parameters";
}

std::string qualityName(const SweepAxes& axes)
{
    return axes.metric.empty() ? "best validation loss" : "best validation " + axes.metric;
}

std::string cellName(const SweepResult& r)
{
    return r.cell ? r.cell->label() : "run " + std::to_string(r.run.id);
}

// "r4 qv" or "r4 qv L0-1 s2": what tells the points apart, for the chart's tags.
std::string shortCellName(const SweepCell& cell)
{
    std::string name = "r" + std::to_string(cell.rank) + " " + targetPresetId(cell.preset);
    if (!cell.layers.layers.empty())
        name += " L" + cell.layers.text;
    return name + " s" + std::to_string(cell.seed);
}

std::string paretoSection(const SweepReport& report)
{
    ScatterChart chart{"Pareto front: " + costName(report.axes) + " against " + qualityName(report.axes),
                       costName(report.axes), qualityName(report.axes), {}};
    size_t missing = 0;
    for (const auto& r : report.results) {
        if (!r.cost || !r.quality) {
            ++missing;
            continue;
        }
        chart.points.push_back({*r.cost, *r.quality,
                                "run " + std::to_string(r.run.id) + " (" + cellName(r) + "): " +
                                    formatValue(*r.cost) + ", " + formatValue(*r.quality),
                                r.onFront, r.cell ? shortCellName(*r.cell) : std::string()});
    }
    std::string s = "<h2>Pareto front</h2>\n<p>A run is on the front when no other run is at least as good on both " +
                    htmlEscape(costName(report.axes)) + " (fewer is better) and " + htmlEscape(qualityName(report.axes)) +
                    (report.axes.metric.empty() ? " (lower" : " (higher") + " is better), and strictly better on one.</p>\n";
    if (chart.points.empty())
        return s + notesHtml({"No run has both a cost and a quality yet: the front appears once runs have evaluated."});
    if (missing)
        s += notesHtml({std::to_string(missing) + " run(s) are not on the chart: not evaluated yet (or no stored "
                                                  "adapter, when the cost is its size)."});
    return s + svgScatterChart(chart);
}

std::string runsSection(const SweepReport& report)
{
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : report.results)
        rows.push_back({r.cell ? std::to_string(r.cell->index) : "–", std::to_string(r.run.id), r.run.name,
                        cellName(r), runStatusName(r.run.status), formatCount(r.run.trainableParams),
                        r.adapterBytes ? formatBytes(*r.adapterBytes) : "–", formatValue(r.quality),
                        r.onFront ? "★ front" : ""});
    return "<h2>Runs</h2>\n" + dataTable({"cell", "run", "name", "configuration", "status", "trainable parameters",
                                          "adapter", qualityName(report.axes), "Pareto"},
                                         rows, {true, true, false, false, false, true, true, true, false}, "runs");
}

std::string curvesSection(const SweepReport& report)
{
    LineChart chart{(report.axes.metric.empty() ? std::string("Validation loss") : "Validation " + report.axes.metric) +
                        " of every run",
                    "optimizer step", report.axes.metric.empty() ? "validation loss" : report.axes.metric, {}};
    for (const auto& r : report.results) {
        const auto it = report.validationLoss.find(r.run.id);
        if (it == report.validationLoss.end() || it->second.empty())
            continue;
        ChartSeries series{cellName(r), {}};
        for (const auto& m : it->second)
            series.points.emplace_back(static_cast<double>(m.step), m.value);
        chart.series.push_back(std::move(series));
    }
    return chart.series.empty() ? std::string() : "<h2>Validation curves</h2>\n" + svgLineChart(chart);
}

}  // namespace

std::string sweepReportHtml(const SweepReport& report)
{
    const auto& sw = report.sweep;
    const std::string title = "Sweep " + std::to_string(sw.id) + ": " + sw.name;
    size_t completed = 0;
    for (const auto& r : report.results)
        completed += r.run.status == RunStatus::Completed;
    std::string body = "<h1>" + htmlEscape(title) + "</h1>\n<p class=\"meta\">LoRA Studio sweep report · " +
                       htmlEscape(runStatusName(sw.status)) + " · " + htmlEscape(formatTime(sw.createdAt)) + " · " +
                       std::to_string(completed) + " of " + std::to_string(report.results.size()) +
                       " runs completed</p>\n";
    if (!sw.error.empty())
        body += notesHtml({sw.error});
    body += paretoSection(report) + runsSection(report) + curvesSection(report);
    body += "<h2>Grid</h2>\n" + keyValueTable(flattenJson(sw.gridJson), "config");
    body += "<h2>Base configuration</h2>\n<p>Every run starts from these settings; its cell sets lora.r (lora_alpha "
            "stays as it is here), the target modules, the layers, the seed and its own output folder.</p>\n" +
            keyValueTable(flattenJson(sw.baseConfigJson), "config");
    return htmlPage(title + " — LoRA Studio report", body);
}

}  // namespace lora
