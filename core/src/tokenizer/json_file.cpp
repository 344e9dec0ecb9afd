#include "tokenizer/json_file.h"

#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "lora/error.h"

namespace lora::tok {
namespace {

// Checked before parsing so that absurd nesting is rejected without recursing into it.
void checkDepth(const std::string& text, const std::filesystem::path& path)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth)
                throwFileError(path, "JSON nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels at byte " +
                                         std::to_string(i) + "; this is not a tokenizer.json");
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
}

}  // namespace

Json readTokenizerJson(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) throwFileError(path, "file not found");
    if (std::filesystem::is_directory(status)) throwFileError(path, "is a directory, expected a tokenizer.json file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throwFileError(path, "cannot read file size: " + ec.message());
    if (size > kMaxTokenizerJsonBytes)
        throwFileError(path, "file is " + std::to_string(size >> 20) + " MiB; tokenizer.json files over " +
                                 std::to_string(kMaxTokenizerJsonBytes >> 20) + " MiB are refused");
    std::ifstream in(path, std::ios::binary);
    if (!in) throwFileError(path, "cannot open file for reading");
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size) throwFileError(path, "file could not be read completely");
    checkDepth(text, path);
    try {
        return Json::parse(text);
    } catch (const Json::exception& e) {  // parse_error, or out_of_range for a number such as 1e2048
        throwFileError(path, std::string("invalid JSON: ") + e.what());
    }
}

}  // namespace lora::tok
