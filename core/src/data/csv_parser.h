#pragma once
#include "data/line_reader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lora::data {

// RFC 4180 records over a LineReader: fields split at the delimiter, quoted fields may hold the
// delimiter, doubled quotes and line breaks (read back as "\n"). A quote inside an unquoted field is
// kept as a literal character, as Python's csv module does, because hand-written TSV often has them.
class DelimitedRecordReader {
public:
    struct Record {
        std::vector<std::string> fields;
        int64_t line = 0;         // where the record starts
        bool blank = false;       // an empty line outside quotes: not a record
        std::string problem;      // non-empty: the record is unusable
        int64_t problemLine = 0;  // the physical line the problem is on
    };

    DelimitedRecordReader(LineReader& lines, char delimiter, size_t maxRecordBytes)
        : lines_(lines), delimiter_(delimiter), maxRecordBytes_(maxRecordBytes)
    {
    }

    // False at end of file.
    bool next(Record& record);

private:
    LineReader& lines_;
    char delimiter_;
    size_t maxRecordBytes_;
};

}  // namespace lora::data
