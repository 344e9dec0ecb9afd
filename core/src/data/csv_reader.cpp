#include "data/csv_parser.h"
#include "data/example_builder.h"
#include "data/readers.h"
#include "lora/error.h"

#include <algorithm>
#include <exception>
#include <unordered_map>

namespace lora::data {

namespace {

std::string trimmed(std::string_view s)
{
    const size_t begin = s.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    const size_t end = s.find_last_not_of(" \t");
    return std::string(s.substr(begin, end - begin + 1));
}

std::string lowered(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string joinNames(const std::vector<std::string>& names, size_t limit)
{
    std::string out;
    for (size_t i = 0; i < names.size() && i < limit; ++i) {
        if (i) out += ", ";
        out += "\"" + names[i] + "\"";
    }
    if (names.size() > limit) out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out;
}

class LabelMap {
public:
    explicit LabelMap(const std::vector<std::string>& fixed) : fixed_(!fixed.empty())
    {
        for (const std::string& name : fixed) add(name);
    }

    bool accepts(const std::string& name) const { return !fixed_ || ids_.contains(name); }

    // Only for accepted names; a new name gets the next id.
    int32_t idFor(const std::string& name)
    {
        if (auto it = ids_.find(name); it != ids_.end()) return it->second;
        return add(name);
    }

    const std::vector<std::string>& names() const { return names_; }

private:
    int32_t add(const std::string& name)
    {
        const auto id = static_cast<int32_t>(names_.size());
        names_.push_back(name);
        ids_.emplace(name, id);
        return id;
    }

    bool fixed_;
    std::vector<std::string> names_;
    std::unordered_map<std::string, int32_t> ids_;
};

}  // namespace

void readDelimitedDataset(const LoadContext& context, char delimiter, Dataset& dataset)
{
    const DatasetOptions& options = context.options;
    LineReader lines(context.file, options.maxLineBytes);
    DelimitedRecordReader reader(lines, delimiter, options.maxLineBytes);
    const std::string formatName = delimiter == '\t' ? "TSV" : "CSV";

    DelimitedRecordReader::Record record;
    bool haveHeader = false;
    size_t columns = 0, textColumn = 0, labelColumn = 0;
    while (!haveHeader && reader.next(record)) {
        if (record.blank) continue;
        if (!record.problem.empty()) throwLineError(context.file, record.problemLine, "header: " + record.problem);
        columns = record.fields.size();
        std::vector<std::string> names;
        for (const std::string& field : record.fields) names.push_back(lowered(trimmed(field)));
        const auto text = std::find(names.begin(), names.end(), "text");
        const auto label = std::find(names.begin(), names.end(), "label");
        if (text == names.end() || label == names.end()) {
            throwLineError(context.file, record.line,
                           "a " + formatName + " file for classification needs a header row with the columns "
                           "\"text\" and \"label\"; found " + joinNames(record.fields, 10));
        }
        textColumn = static_cast<size_t>(text - names.begin());
        labelColumn = static_cast<size_t>(label - names.begin());
        haveHeader = true;
    }
    if (!haveHeader) {
        throwFileError(context.file, "the file is empty: expected a header row with \"text\" and \"label\", "
                                     "then one row per example");
    }

    LabelMap labels(options.labels);
    while (reader.next(record)) {
        if (record.blank) continue;
        if (!record.problem.empty()) {
            context.badRows.report(record.problemLine, record.problem);
            continue;
        }
        if (record.fields.size() != columns) {
            context.badRows.report(record.line, "expected " + std::to_string(columns) + " fields, as in the header, found " +
                                                    std::to_string(record.fields.size()) +
                                                    (delimiter == ',' ? " (quote fields that contain commas)" : ""));
            continue;
        }
        const std::string& text = record.fields[textColumn];
        const std::string label = trimmed(record.fields[labelColumn]);
        if (isBlank(text)) {
            context.badRows.report(record.line, "empty text");
            continue;
        }
        if (label.empty()) {
            context.badRows.report(record.line, "empty label");
            continue;
        }
        if (!labels.accepts(label)) {
            context.badRows.report(record.line, "unknown label \"" + label + "\" (expected one of " +
                                                    joinNames(labels.names(), 20) + ")");
            continue;
        }
        Example example;
        std::string failure;
        try {
            example.inputIds = encodeForClassification(context.tokenizer, text, options.maxLength, example.truncated);
        } catch (const std::exception& e) {
            failure = std::string("the tokenizer failed: ") + e.what();
        }
        if (failure.empty() && example.inputIds.empty()) failure = "the text encodes to no tokens";
        if (!failure.empty()) {
            context.badRows.report(record.line, failure);
            continue;
        }
        // Only now, so a row that fails does not claim an id in first-appearance order.
        example.classId = labels.idFor(label);
        example.line = record.line;
        dataset.examples.push_back(std::move(example));
    }
    dataset.labelNames = labels.names();
}

}  // namespace lora::data
