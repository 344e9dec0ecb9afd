#pragma once
// The one exception type core throws across its public API. Messages are written for the user:
// they name the file and the problem, and where there is one, what to do about it.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace lora {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "<path>: <problem>" — the shape of every file-related error.
[[noreturn]] void throwFileError(const std::filesystem::path& file, const std::string& problem);

}  // namespace lora
