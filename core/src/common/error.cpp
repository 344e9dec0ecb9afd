#include "lora/error.h"

namespace lora {

void throwFileError(const std::filesystem::path& file, const std::string& problem)
{
    throw Error(file.string() + ": " + problem);
}

}  // namespace lora
