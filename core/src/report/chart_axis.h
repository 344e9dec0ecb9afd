#pragma once
// An axis of the report's SVG charts: the data range widened to round ticks, mapped onto a pixel span; linear, or
// logarithmic (ticks at powers of ten) for values that span decades, like parameter counts.
#include <string>
#include <vector>

namespace lora::report {

struct Axis {
    double lo = 0, hi = 1;             // data range after rounding to ticks (log10 of it when `log`)
    double pixelLo = 0, pixelHi = 1;   // where lo and hi land
    bool log = false;
    std::vector<double> ticks;         // data values

    double map(double value) const;
};

// `values` must hold at least one finite value (positive ones for a log axis). `allowLog`: log when the positive
// values span more than a factor of 10.
Axis makeAxis(const std::vector<double>& values, double pixelLo, double pixelHi, bool allowLog);

// "950", "1.2k", "3.4M", "0.0123": short tick labels.
std::string shortNumber(double value);
// "%.1f" for SVG coordinates.
std::string pixel(double value);

}  // namespace lora::report
