#include "lora/report.h"
#include "report/chart_frame.h"

#include <cmath>

namespace lora {

std::string svgLineChart(const LineChart& chart)
{
    using namespace report;
    LegendEntries legend;
    for (size_t i = 0; i < chart.series.size(); ++i)
        legend.emplace_back(chart.series[i].name, seriesColor(i));
    const PlotArea area = plotArea(chart.width, chart.height, legend);
    std::vector<double> xs, ys;
    for (const auto& series : chart.series)
        for (const auto& [x, y] : series.points)
            if (std::isfinite(x) && std::isfinite(y)) {
                xs.push_back(x);
                ys.push_back(y);
            }
    const Axis x = makeAxis(xs, area.left, area.right, false);
    const Axis y = makeAxis(ys, area.bottom, area.top, false);

    std::string s = svgOpen(chart.width, chart.height, chart.title) + svgAxes(x, y, area, chart.xLabel, chart.yLabel);
    for (size_t i = 0; i < chart.series.size(); ++i) {
        const auto& series = chart.series[i];
        const std::string color = seriesColor(i);
        std::string points, markers;
        size_t count = 0;
        for (const auto& [px, py] : series.points) {
            if (!std::isfinite(px) || !std::isfinite(py))
                continue;
            points += (count++ ? " " : "") + pixel(x.map(px)) + "," + pixel(y.map(py));
        }
        // Sparse series (evaluations every N steps) get a dot per point so a single one still shows.
        if (count <= 30)
            for (const auto& [px, py] : series.points)
                if (std::isfinite(px) && std::isfinite(py))
                    markers += "<circle cx=\"" + pixel(x.map(px)) + "\" cy=\"" + pixel(y.map(py)) + "\" r=\"2.5\" fill=\"" +
                               color + "\"/>";
        s += "<polyline class=\"series\" data-series=\"" + htmlEscape(series.name) + "\" fill=\"none\" stroke=\"" +
             color + "\" stroke-width=\"1.6\" points=\"" + points + "\"/>\n";
        if (!markers.empty())
            s += "<g class=\"markers\">" + markers + "</g>\n";
    }
    return s + svgLegend(legend, chart.width) + "</svg>\n";
}

}  // namespace lora
