#pragma once
// Reading a report's SVG back: the points of a named polyline, and counts of a snippet.
#include <string>

namespace report_test {

// Points in the `points` attribute of the first element that contains `marker` (e.g. data-series="train loss");
// -1 when there is none.
inline int polylinePoints(const std::string& html, const std::string& marker)
{
    const auto at = html.find(marker);
    if (at == std::string::npos)
        return -1;
    const auto start = html.rfind('<', at);
    const auto end = html.find('>', at);
    const auto attr = html.find("points=\"", start);
    if (attr == std::string::npos || attr > end)
        return -1;
    const auto close = html.find('"', attr + 8);
    const std::string points = html.substr(attr + 8, close - attr - 8);
    int count = points.empty() ? 0 : 1;
    for (char c : points)
        count += c == ' ';
    return count;
}

inline int occurrences(const std::string& text, const std::string& snippet)
{
    int n = 0;
    for (auto at = text.find(snippet); at != std::string::npos; at = text.find(snippet, at + snippet.size()))
        ++n;
    return n;
}

// No resource is fetched from the network: no http(s) in a src, href or CSS url().
inline bool fetchesNothing(const std::string& html)
{
    for (const char* bad : {"src=\"http", "href=\"http", "src='http", "href='http", "url(http", "<script", "@import"})
        if (html.find(bad) != std::string::npos)
            return false;
    return true;
}

}  // namespace report_test
