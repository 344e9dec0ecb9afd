#include "lora/report.h"
#include "report/chart_frame.h"

#include <algorithm>
#include <cmath>

namespace lora {

std::string svgScatterChart(const ScatterChart& chart)
{
    using namespace report;
    const std::string other = "#7f9fbf", front = "#d62728";
    const LegendEntries legend = {{"on the Pareto front", front}, {"dominated", other}};
    const PlotArea area = plotArea(chart.width, chart.height, legend);
    std::vector<ScatterPoint> points;
    for (const auto& p : chart.points)
        if (std::isfinite(p.x) && std::isfinite(p.y))
            points.push_back(p);
    std::vector<double> xs, ys;
    bool positive = true;
    for (const auto& p : points) {
        xs.push_back(p.x);
        ys.push_back(p.y);
        positive = positive && p.x > 0;
    }
    const Axis x = makeAxis(xs, area.left, area.right, positive);
    const Axis y = makeAxis(ys, area.bottom, area.top, false);

    std::string s = svgOpen(chart.width, chart.height, chart.title) + svgAxes(x, y, area, chart.xLabel, chart.yLabel);
    std::vector<const ScatterPoint*> onFront;
    for (const auto& p : points)
        if (p.onFront)
            onFront.push_back(&p);
    std::stable_sort(onFront.begin(), onFront.end(), [](auto* a, auto* b) { return a->x < b->x; });
    std::string line;
    for (const auto* p : onFront)
        line += (line.empty() ? "" : " ") + pixel(x.map(p->x)) + "," + pixel(y.map(p->y));
    if (!onFront.empty())
        s += "<polyline class=\"pareto-front\" fill=\"none\" stroke=\"" + front +
             "\" stroke-width=\"2\" stroke-dasharray=\"6 3\" points=\"" + line + "\"/>\n";
    // A tag near the right edge goes on the point's left, inside the chart.
    const auto nearRight = [&](const ScatterPoint& p) {
        return x.map(p.x) + 8 + 6.0 * static_cast<double>(p.tag.size()) > chart.width - 4;
    };
    for (const auto& p : points)
        s += "<g><title>" + htmlEscape(p.label) + "</title><circle class=\"" + (p.onFront ? "point front" : "point") +
             "\" cx=\"" + pixel(x.map(p.x)) + "\" cy=\"" + pixel(y.map(p.y)) + "\" r=\"" + (p.onFront ? "6" : "4.5") +
             "\" fill=\"" + (p.onFront ? front : other) + "\" stroke=\"#ffffff\"/>" +
             (p.tag.empty() ? std::string()
                            : "<text x=\"" + pixel(x.map(p.x) + (nearRight(p) ? -8 : 8)) + "\" y=\"" +
                                  pixel(y.map(p.y) - 6) + (nearRight(p) ? "\" text-anchor=\"end" : "") +
                                  "\" font-size=\"10\" fill=\"#444\">" + htmlEscape(p.tag) + "</text>") +
             "</g>\n";
    return s + svgLegend(legend, chart.width) + "</svg>\n";
}

}  // namespace lora
