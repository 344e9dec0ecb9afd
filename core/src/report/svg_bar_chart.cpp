#include "lora/report.h"
#include "report/chart_frame.h"

#include <algorithm>
#include <cmath>

namespace lora {

std::string svgBarChart(const BarChart& chart)
{
    using namespace report;
    constexpr double rowHeight = 20, top = 40, valueWidth = 80;
    size_t longest = 0;
    for (const auto& bar : chart.bars)
        longest = std::max(longest, bar.first.size());
    // Room for the longest name at about 6.6 px a character, within reason.
    const double labelWidth = std::clamp(16 + 6.6 * static_cast<double>(longest), 80.0, chart.width * 0.5);
    const int height = static_cast<int>(top + rowHeight * static_cast<double>(chart.bars.size()) + 30);
    double largest = 0;
    for (const auto& [name, value] : chart.bars)
        if (std::isfinite(value))
            largest = std::max(largest, value);
    const double span = chart.width - labelWidth - valueWidth - 16;

    std::string s = svgOpen(chart.width, height, chart.title);
    double y = top;
    for (const auto& [name, value] : chart.bars) {
        const double length = largest > 0 && std::isfinite(value) ? std::max(0.0, value) / largest * span : 0;
        s += "<text x=\"" + pixel(labelWidth - 6) + "\" y=\"" + pixel(y + 14) + "\" text-anchor=\"end\" fill=\"#222\">" +
             htmlEscape(name) + "</text>\n<rect class=\"bar\" x=\"" + pixel(labelWidth) + "\" y=\"" + pixel(y + 3) +
             "\" width=\"" + pixel(length) + "\" height=\"" + pixel(rowHeight - 6) + "\" fill=\"" + seriesColor(0) +
             "\"/>\n<text x=\"" + pixel(labelWidth + length + 6) + "\" y=\"" + pixel(y + 14) + "\" fill=\"#444\">" +
             shortNumber(value) + "</text>\n";
        y += rowHeight;
    }
    s += "<text x=\"" + pixel(labelWidth) + "\" y=\"" + pixel(y + 20) + "\" fill=\"#666\">" +
         htmlEscape(chart.valueLabel) + "</text>\n";
    return s + "</svg>\n";
}

}  // namespace lora
