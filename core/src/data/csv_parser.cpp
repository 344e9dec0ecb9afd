#include "data/csv_parser.h"

#include "data/readers.h"
#include "data/utf8.h"

namespace lora::data {

namespace {
enum class State { FieldStart, Unquoted, Quoted, AfterClosingQuote };
}

bool DelimitedRecordReader::next(Record& record)
{
    record.fields.clear();
    record.problem.clear();
    record.blank = false;
    LineReader::Line line;
    if (!lines_.next(line)) return false;
    record.line = line.number;
    record.problemLine = line.number;
    // Blank lines (trailing ones are common) are not rows; a tab-only TSV line is, though.
    if (!line.tooLong && line.text.find_first_not_of(' ') == std::string_view::npos) {
        record.blank = true;
        return true;
    }

    auto fail = [&](int64_t at, std::string problem) {
        if (record.problem.empty()) {
            record.problem = std::move(problem);
            record.problemLine = at;
        }
    };

    std::string field;
    State state = State::FieldStart;
    size_t recordBytes = 0;
    for (;;) {
        if (line.tooLong) {
            // Where a quoted field would have ended is unknowable, so the record ends here.
            fail(line.number, lineTooLongProblem(maxRecordBytes_));
            return true;
        }
        recordBytes += line.text.size() + 1;
        if (recordBytes > maxRecordBytes_ + 1) {
            fail(record.line, "the row is longer than the " + std::to_string(maxRecordBytes_) +
                                  "-byte limit (is a quoted field never closed?)");
            return true;
        }
        // Keep parsing an invalid line: the record's end must still be found to stay in step.
        if (auto bad = findInvalidUtf8(line.text)) fail(line.number, describeInvalidUtf8(line.text, *bad));

        const std::string_view text = line.text;
        for (size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            switch (state) {
            case State::Quoted:
                if (c != '"') {
                    field += c;
                } else if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    state = State::AfterClosingQuote;
                }
                break;
            case State::AfterClosingQuote:
                if (c == delimiter_) {
                    record.fields.push_back(std::move(field));
                    field.clear();
                    state = State::FieldStart;
                } else {
                    fail(line.number, "unexpected text after the closing quote of field " +
                                          std::to_string(record.fields.size() + 1) +
                                          " (a quote inside a quoted field must be doubled: \"\")");
                    // Skip the rest of the line: the field boundaries after this point are guesswork.
                    i = text.size();
                }
                break;
            case State::FieldStart:
                if (c == '"') {
                    state = State::Quoted;
                    break;
                }
                state = State::Unquoted;
                [[fallthrough]];
            case State::Unquoted:
                if (c == delimiter_) {
                    record.fields.push_back(std::move(field));
                    field.clear();
                    state = State::FieldStart;
                } else {
                    field += c;
                }
                break;
            }
        }
        if (state != State::Quoted) break;
        field += '\n';
        if (!lines_.next(line)) {
            fail(record.line, "a quoted field opened on this line is never closed "
                              "(the rest of the file was read as part of this row)");
            return true;
        }
    }
    record.fields.push_back(std::move(field));
    return true;
}

}  // namespace lora::data
