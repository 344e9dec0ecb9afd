#include "report/chart_axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lora::report {
namespace {

// 1, 2 or 5 times a power of ten: about `count` steps over `span`.
double niceStep(double span, int count)
{
    const double raw = span / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / magnitude;
    const double factor = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    return factor * magnitude;
}

}  // namespace

double Axis::map(double value) const
{
    const double v = log ? std::log10(value) : value;
    return pixelLo + (v - lo) / (hi - lo) * (pixelHi - pixelLo);
}

Axis makeAxis(const std::vector<double>& values, double pixelLo, double pixelHi, bool allowLog)
{
    Axis axis;
    axis.pixelLo = pixelLo;
    axis.pixelHi = pixelHi;
    double lo = INFINITY, hi = -INFINITY, positiveLo = INFINITY;
    for (double v : values) {
        if (!std::isfinite(v))
            continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        if (v > 0)
            positiveLo = std::min(positiveLo, v);
    }
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    if (allowLog && lo > 0 && hi / positiveLo > 10) {
        // Ticks at 1, 2 and 5 times a power of ten over a few decades, at the powers alone beyond that; the range
        // ends at the ticks just outside the data.
        axis.log = true;
        const bool fine = hi / lo < 1e3;
        std::vector<double> candidates;
        for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); ++e)
            for (double m : fine ? std::vector<double>{1, 2, 5} : std::vector<double>{1})
                candidates.push_back(m * std::pow(10.0, e));
        double first = candidates.front(), last = candidates.back();
        for (double c : candidates)
            if (c <= lo * (1 + 1e-12))
                first = c;
        for (auto c = candidates.rbegin(); c != candidates.rend(); ++c)
            if (*c >= hi * (1 - 1e-12))
                last = *c;
        for (double c : candidates)
            if (c >= first && c <= last)
                axis.ticks.push_back(c);
        axis.lo = std::log10(first);
        axis.hi = std::log10(last);
        return axis;
    }
    if (hi - lo <= std::abs(hi) * 1e-12) {  // one value: a band around it
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    const double step = niceStep(hi - lo, 5);
    axis.lo = std::floor(lo / step) * step;
    axis.hi = std::ceil(hi / step) * step;
    for (double t = axis.lo; t <= axis.hi + step * 1e-6; t += step)
        axis.ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return axis;
}

std::string shortNumber(double value)
{
    char buf[32];
    const double a = std::abs(value);
    if (a >= 1e9)
        std::snprintf(buf, sizeof buf, "%.3gG", value / 1e9);
    else if (a >= 1e6)
        std::snprintf(buf, sizeof buf, "%.3gM", value / 1e6);
    else if (a >= 1e4)
        std::snprintf(buf, sizeof buf, "%.3gk", value / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.4g", value);
    return buf;
}

std::string pixel(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", value);
    return buf;
}

}  // namespace lora::report
