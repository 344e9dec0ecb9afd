#pragma once
#include "lora/dataset.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lora::data {

// "<file>:<line>: <problem>", the shape of every row error.
[[noreturn]] void throwLineError(const std::filesystem::path& file, int64_t line, const std::string& problem);

// Applies the caller's BadRowPolicy in one place so readers only say what is wrong.
class BadRowSink {
public:
    BadRowSink(const std::filesystem::path& file, BadRowPolicy policy, std::vector<BadRow>& rows)
        : file_(file), policy_(policy), rows_(rows)
    {
    }
    // Throws under BadRowPolicy::Fail; records the row under Skip.
    void report(int64_t line, std::string problem);
    size_t count() const { return rows_.size(); }

private:
    const std::filesystem::path& file_;
    BadRowPolicy policy_;
    std::vector<BadRow>& rows_;
};

}  // namespace lora::data
