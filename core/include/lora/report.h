#pragma once
// Reports: a run or a sweep exported as ONE self-contained HTML file (inline CSS and inline SVG charts, no
// scripts, no external URLs) to keep, mail or attach: the configuration, the loss and learning-rate curves, the
// parameter budget per module and per layer, the ΔW spectra when the run left an adapter, and for a sweep every
// run with the Pareto chart. The charts and the HTML are plain string builders (torch-free); collecting a run's
// budget and spectra loads its model through the public API. All user text is HTML-escaped.
#include "lora/analysis.h"
#include "lora/lora_targets.h"
#include "lora/run_store.h"
#include "lora/sweep.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lora {

// & < > " ' as entities: safe in element text and in quoted attributes.
std::string htmlEscape(std::string_view text);

// SVG charts. Each returns one <svg> element with a viewBox (it scales with the page), axes with ticks, and a
// legend; non-finite values are left out. Every series is one <polyline class="series" data-series="NAME">.
struct ChartSeries {
    std::string name;
    std::vector<std::pair<double, double>> points;  // (x, y)
};
struct LineChart {
    std::string title, xLabel, yLabel;
    std::vector<ChartSeries> series;
    int width = 720;
    int height = 300;
};
std::string svgLineChart(const LineChart& chart);

// Points (cost, quality); those on the Pareto front are drawn highlighted and joined, by increasing x, by one
// <polyline class="pareto-front">. The x axis is logarithmic when the values span more than a factor of 10.
struct ScatterPoint {
    double x = 0;
    double y = 0;
    std::string label;  // the point's <title> (shown on hover by browsers)
    bool onFront = false;
    std::string tag;    // written beside the point, for printed copies (short: "r4 qv")
};
struct ScatterChart {
    std::string title, xLabel, yLabel;
    std::vector<ScatterPoint> points;
    int width = 720;
    int height = 340;
};
std::string svgScatterChart(const ScatterChart& chart);

// Horizontal bars, one a row, labelled with their name and value.
struct BarChart {
    std::string title, valueLabel;
    std::vector<std::pair<std::string, double>> bars;
    int width = 720;
};
std::string svgBarChart(const BarChart& chart);

// What a run report shows. Sections without data are left out, with `notes` saying why.
struct RunReport {
    RunRecord run;
    std::vector<MetricRow> metrics;         // every stored row
    std::optional<ParameterBudget> budget;  // LoRA runs whose model folder is there
    std::optional<AdapterSpectra> spectra;  // runs that left an adapter
    std::vector<std::string> notes;         // why a section is missing ("model folder ... is gone")
};

struct SweepReport {
    SweepRecord sweep;
    SweepAxes axes;
    std::vector<SweepResult> results;                             // by cell, front marked
    std::map<int64_t, std::vector<MetricRow>> validationLoss;     // run id -> its val loss rows
};

std::string runReportHtml(const RunReport& report);
std::string sweepReportHtml(const SweepReport& report);

// From the database: the run, its metrics, and (loading its model folder) the parameter budget of its LoRA
// configuration and the spectra of the adapter in its output folder (else of its newest adapter in the database's
// library). Throws lora::Error naming the database when
// there is no such run; a missing model or adapter only leaves their sections out (RunReport::notes says so).
RunReport collectRunReport(const RunStore& store, int64_t runId);
SweepReport collectSweepReport(const RunStore& store, int64_t sweepId, const SweepAxes& axes = {});

// Collects and writes `out` atomically. Return the number of bytes written.
size_t writeRunReport(const RunStore& store, int64_t runId, const std::filesystem::path& out);
size_t writeSweepReport(const RunStore& store, int64_t sweepId, const std::filesystem::path& out,
                        const SweepAxes& axes = {});

}  // namespace lora
