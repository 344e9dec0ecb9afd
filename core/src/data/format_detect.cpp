#include "lora/dataset.h"
#include "lora/error.h"

#include <algorithm>
#include <fstream>

namespace lora {

namespace {

std::string lowered(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The first non-blank line, from the first 64 KiB: enough to recognise a format, bounded for any file.
std::string firstLine(const std::filesystem::path& file)
{
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throwFileError(file, "is a folder, not a file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throwFileError(file, "cannot open (does it exist, and may it be read?)");
    std::string head(size_t{1} << 16, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    if (head.starts_with("\xEF\xBB\xBF")) head.erase(0, 3);
    const size_t begin = head.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const size_t end = head.find('\n', begin);
    std::string line = head.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

bool headerHasTextAndLabel(const std::string& line, char delimiter)
{
    bool text = false, label = false;
    size_t start = 0;
    for (;;) {
        const size_t end = line.find(delimiter, start);
        std::string name = lowered(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
        name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return c == ' ' || c == '"'; }), name.end());
        text = text || name == "text";
        label = label || name == "label";
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return text && label;
}

}  // namespace

DatasetFormat detectDatasetFormat(const std::filesystem::path& file)
{
    const std::string ext = lowered(file.extension().string());
    if (ext == ".txt" || ext == ".md" || ext == ".markdown" || ext == ".text") return DatasetFormat::Text;
    if (ext == ".jsonl" || ext == ".ndjson") return DatasetFormat::Jsonl;
    if (ext == ".csv") return DatasetFormat::Csv;
    if (ext == ".tsv" || ext == ".tab") return DatasetFormat::Tsv;

    const std::string line = firstLine(file);
    if (ext == ".json") {
        if (line.starts_with("[")) {
            throwFileError(file, "holds a JSON array; write one JSON object per line instead (JSON Lines), "
                                 "so that bad rows can be reported by line");
        }
        return DatasetFormat::Jsonl;
    }
    if (line.starts_with("{")) return DatasetFormat::Jsonl;
    if (line.find('\t') != std::string::npos && headerHasTextAndLabel(line, '\t')) return DatasetFormat::Tsv;
    if (line.find(',') != std::string::npos && headerHasTextAndLabel(line, ',')) return DatasetFormat::Csv;
    return DatasetFormat::Text;
}

}  // namespace lora
