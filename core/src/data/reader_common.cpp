#include "data/readers.h"

namespace lora::data {

namespace {

std::string sizeText(size_t bytes)
{
    if (bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + "-byte";
}

}  // namespace

std::string lineTooLongProblem(size_t maxLineBytes)
{
    return "the line is longer than the " + sizeText(maxLineBytes) + " limit (is this a text file?)";
}

bool isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

}  // namespace lora::data
