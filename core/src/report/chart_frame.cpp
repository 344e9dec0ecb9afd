#include "report/chart_frame.h"

#include "lora/report.h"

namespace lora::report {

namespace {

constexpr double kLeft = 72, kRowHeight = 16;

// Where each legend entry goes: (x, row). Names are measured at about 7 px a character.
std::vector<std::pair<double, int>> legendLayout(const LegendEntries& entries, int width)
{
    std::vector<std::pair<double, int>> at;
    double x = kLeft;
    int row = 0;
    for (const auto& entry : entries) {
        const double w = 34 + 7.0 * static_cast<double>(entry.first.size());
        if (x > kLeft && x + w > width - 8) {
            x = kLeft;
            ++row;
        }
        at.emplace_back(x, row);
        x += w;
    }
    return at;
}

}  // namespace

PlotArea plotArea(int width, int height, const LegendEntries& legend)
{
    const auto layout = legendLayout(legend, width);
    const int rows = layout.empty() ? 1 : layout.back().second + 1;
    return {kLeft, 38 + kRowHeight * rows, static_cast<double>(width) - 24, static_cast<double>(height) - 46};
}

std::string svgOpen(int width, int height, const std::string& title)
{
    const std::string w = std::to_string(width), h = std::to_string(height), t = htmlEscape(title);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + w + " " + h + "\" width=\"" +
           w + "\" height=\"" + h + "\" role=\"img\" aria-label=\"" + t +
           "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n<title>" + t +
           "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n<text x=\"" + std::to_string(width / 2) +
           "\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">" + t + "</text>\n";
}

std::string svgAxes(const Axis& x, const Axis& y, const PlotArea& a, const std::string& xLabel,
                    const std::string& yLabel)
{
    std::string s = "<g class=\"axes\" stroke-width=\"1\">\n";
    for (double t : x.ticks) {
        const std::string px = pixel(x.map(t));
        s += "<line x1=\"" + px + "\" y1=\"" + pixel(a.top) + "\" x2=\"" + px + "\" y2=\"" + pixel(a.bottom) +
             "\" stroke=\"#e3e3e3\"/>\n<text x=\"" + px + "\" y=\"" + pixel(a.bottom + 16) +
             "\" text-anchor=\"middle\" fill=\"#444\">" + shortNumber(t) + "</text>\n";
    }
    for (double t : y.ticks) {
        const std::string py = pixel(y.map(t));
        s += "<line x1=\"" + pixel(a.left) + "\" y1=\"" + py + "\" x2=\"" + pixel(a.right) + "\" y2=\"" + py +
             "\" stroke=\"#e3e3e3\"/>\n<text x=\"" + pixel(a.left - 6) + "\" y=\"" + pixel(y.map(t) + 4) +
             "\" text-anchor=\"end\" fill=\"#444\">" + shortNumber(t) + "</text>\n";
    }
    s += "<rect x=\"" + pixel(a.left) + "\" y=\"" + pixel(a.top) + "\" width=\"" + pixel(a.right - a.left) +
         "\" height=\"" + pixel(a.bottom - a.top) + "\" fill=\"none\" stroke=\"#888\"/>\n";
    s += "<text x=\"" + pixel((a.left + a.right) / 2) + "\" y=\"" + pixel(a.bottom + 36) +
         "\" text-anchor=\"middle\" fill=\"#222\">" + htmlEscape(xLabel) + (x.log ? " (log scale)" : "") + "</text>\n";
    const std::string cy = pixel((a.top + a.bottom) / 2);
    s += "<text x=\"0\" y=\"0\" transform=\"translate(18 " + cy + ") rotate(-90)\" text-anchor=\"middle\" fill=\"#222\">" +
         htmlEscape(yLabel) + "</text>\n</g>\n";
    return s;
}

std::string svgLegend(const LegendEntries& entries, int width)
{
    const auto layout = legendLayout(entries, width);
    std::string s = "<g class=\"legend\">\n";
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto& [x, row] = layout[i];
        const double y = 31 + kRowHeight * row;
        s += "<rect x=\"" + pixel(x) + "\" y=\"" + pixel(y) + "\" width=\"14\" height=\"10\" fill=\"" + entries[i].second +
             "\"/>\n<text x=\"" + pixel(x + 19) + "\" y=\"" + pixel(y + 9) + "\" fill=\"#222\">" +
             htmlEscape(entries[i].first) + "</text>\n";
    }
    return s + "</g>\n";
}

const char* seriesColor(size_t index)
{
    static const char* const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                          "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"};
    return palette[index % (sizeof palette / sizeof *palette)];
}

}  // namespace lora::report
