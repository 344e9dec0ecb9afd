#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace lora::data {

// Reads a file line by line with 1-based numbers, without ever holding more than maxLineBytes of a
// line: a longer line is reported as tooLong and its content dropped, so any input keeps memory bounded.
// "\r\n" and "\n" both end a line; a UTF-8 BOM at the start of the file is dropped.
class LineReader {
public:
    struct Line {
        std::string_view text;  // without the line ending; valid until the next call
        int64_t number = 0;
        bool tooLong = false;
    };

    // Throws lora::Error "<file>: <problem>" when the file cannot be opened.
    LineReader(const std::filesystem::path& file, size_t maxLineBytes);

    // False at end of file. Throws lora::Error on a read error.
    bool next(Line& line);

private:
    bool fill();

    std::filesystem::path file_;
    std::ifstream in_;
    size_t maxLineBytes_;
    std::string buffer_;
    size_t bufferPos_ = 0;
    std::string line_;
    int64_t number_ = 0;
    bool eof_ = false;
};

}  // namespace lora::data
