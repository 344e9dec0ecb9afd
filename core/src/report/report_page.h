#pragma once
// The pieces both reports are made of: the page with its inline stylesheet, tables, the configuration table,
// and number and time formatting. Every text argument is escaped here; the `Html` ones are already markup.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lora::report {

// <!DOCTYPE html> ... with the inline CSS: one self-contained file.
std::string htmlPage(const std::string& title, const std::string& bodyHtml);

// Two columns, label and value (both text).
std::string keyValueTable(const std::vector<std::pair<std::string, std::string>>& rows, const std::string& cssClass);
// A header row and rows of cells (text); `numeric` columns are right-aligned.
std::string dataTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                      const std::vector<bool>& numeric, const std::string& cssClass);

// A TrainingConfig's (or any) JSON flattened into "lora.r" -> "8" rows; text that is not JSON is one row.
std::vector<std::pair<std::string, std::string>> flattenJson(const std::string& json);

std::string formatCount(int64_t value);  // "1,234,567"
std::string formatValue(double value);   // "%.5g"
std::string formatValue(const std::optional<double>& value);  // "–" when absent
std::string formatTime(double unixSeconds);      // "2026-11-29 06:30 UTC"
std::string formatDuration(double seconds);      // "1 h 02 min", "3 min 05 s", "4.2 s"
std::string formatBytes(int64_t bytes);          // "1.2 MB"

// "<h2>Title</h2><p class=\"missing\">why</p>" lines for sections left out.
std::string notesHtml(const std::vector<std::string>& notes);

}  // namespace lora::report
