#include "data/bad_rows.h"

#include "lora/error.h"

namespace lora::data {

void throwLineError(const std::filesystem::path& file, int64_t line, const std::string& problem)
{
    throw Error(file.string() + ":" + std::to_string(line) + ": " + problem);
}

void BadRowSink::report(int64_t line, std::string problem)
{
    if (policy_ == BadRowPolicy::Fail) throwLineError(file_, line, problem);
    rows_.push_back({line, std::move(problem)});
}

}  // namespace lora::data
