#pragma once
// What the report's charts share: the <svg> element, the plot area with its grid, tick labels and axis titles,
// the legend and the series colours. Styles are attributes, not CSS, so a chart is also a standalone SVG image.
#include "report/chart_axis.h"

#include <string>
#include <utility>
#include <vector>

namespace lora::report {

struct PlotArea {
    double left = 0, top = 0, right = 0, bottom = 0;
};

using LegendEntries = std::vector<std::pair<std::string, std::string>>;  // (name, colour)

// The plot area of a chart `width` x `height` with room for the title, the legend's rows, and the axes' labels.
PlotArea plotArea(int width, int height, const LegendEntries& legend);

// <svg ...> with its <title> and the title text drawn; close it with "</svg>\n".
std::string svgOpen(int width, int height, const std::string& title);
std::string svgAxes(const Axis& x, const Axis& y, const PlotArea& area, const std::string& xLabel,
                    const std::string& yLabel);
// Swatches and names under the title, in as many rows as the chart's width needs.
std::string svgLegend(const LegendEntries& entries, int width);

const char* seriesColor(size_t index);

}  // namespace lora::report
