#include "report/report_page.h"

#include "lora/report.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace lora::report {
namespace {

const char* const kStyle = R"(body{font-family:Helvetica,Arial,sans-serif;color:#222;max-width:980px;margin:24px auto;
padding:0 16px;line-height:1.4}
h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
p.meta{color:#555;margin-top:0}p.missing{color:#8a5a00;background:#fff6e0;padding:6px 10px;border-radius:4px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.front td{background:#fdecea;font-weight:bold}table.config td:first-child{font-family:monospace;color:#444}
svg.chart{display:block;max-width:100%;height:auto;margin:12px 0;border:1px solid #eee}
footer{margin-top:40px;color:#888;font-size:12px}
)";

void flattenInto(const nlohmann::json& j, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& rows)
{
    if (j.is_object() && !j.empty()) {
        for (const auto& [key, value] : j.items())
            flattenInto(value, prefix.empty() ? key : prefix + "." + key, rows);
        return;
    }
    rows.emplace_back(prefix, j.is_string() ? j.get<std::string>() : j.dump());
}

}  // namespace

std::string htmlPage(const std::string& title, const std::string& bodyHtml)
{
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" "
           "content=\"LoRA Studio\">\n<title>" +
           htmlEscape(title) + "</title>\n<style>\n" + kStyle + "</style>\n</head>\n<body>\n" + bodyHtml +
           "<footer>Written by LoRA Studio on " + formatTime(static_cast<double>(std::time(nullptr))) +
           ". One self-contained file: the charts are inline SVG.</footer>\n</body>\n</html>\n";
}

std::string keyValueTable(const std::vector<std::pair<std::string, std::string>>& rows, const std::string& cssClass)
{
    std::string s = "<table class=\"" + cssClass + "\">\n";
    for (const auto& [key, value] : rows)
        s += "<tr><td>" + htmlEscape(key) + "</td><td>" + htmlEscape(value) + "</td></tr>\n";
    return s + "</table>\n";
}

std::string dataTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                      const std::vector<bool>& numeric, const std::string& cssClass)
{
    std::string s = "<table class=\"" + cssClass + "\">\n<tr>";
    for (const auto& h : header)
        s += "<th>" + htmlEscape(h) + "</th>";
    s += "</tr>\n";
    for (const auto& row : rows) {
        s += "<tr>";
        for (size_t i = 0; i < row.size(); ++i)
            s += (i < numeric.size() && numeric[i] ? "<td class=\"num\">" : "<td>") + htmlEscape(row[i]) + "</td>";
        s += "</tr>\n";
    }
    return s + "</table>\n";
}

std::vector<std::pair<std::string, std::string>> flattenJson(const std::string& json)
{
    std::vector<std::pair<std::string, std::string>> rows;
    const auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (parsed.is_discarded())
        rows.emplace_back("(not JSON)", json);
    else
        flattenInto(parsed, "", rows);
    return rows;
}

std::string formatCount(int64_t value)
{
    std::string digits = std::to_string(value < 0 ? -value : value), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

std::string formatValue(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.5g", value);
    return buf;
}

std::string formatValue(const std::optional<double>& value) { return value ? formatValue(*value) : "–"; }

std::string formatTime(double unixSeconds)
{
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string formatDuration(double seconds)
{
    char buf[40];
    const auto whole = static_cast<long long>(std::llround(seconds));
    if (seconds >= 3600)
        std::snprintf(buf, sizeof buf, "%lld h %02lld min", whole / 3600, whole % 3600 / 60);
    else if (seconds >= 60)
        std::snprintf(buf, sizeof buf, "%lld min %02lld s", whole / 60, whole % 60);
    else
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    return buf;
}

std::string formatBytes(int64_t bytes)
{
    char buf[40];
    const double b = static_cast<double>(bytes);
    if (b >= 1e9)
        std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
    else if (b >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2f MB", b / 1e6);
    else if (b >= 1e3)
        std::snprintf(buf, sizeof buf, "%.1f kB", b / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
    return buf;
}

std::string notesHtml(const std::vector<std::string>& notes)
{
    std::string s;
    for (const auto& n : notes)
        s += "<p class=\"missing\">" + htmlEscape(n) + "</p>\n";
    return s;
}

}  // namespace lora::report
