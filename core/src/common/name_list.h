#pragma once
// Names in an error or warning message: the first few, then how many more, so a message stays one line long
// whatever a checkpoint or adapter holds.
#include <string>
#include <vector>

namespace lora {

inline std::string listNames(const std::vector<std::string>& names, size_t shown)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < shown; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > shown)
        s += ", ... (" + std::to_string(names.size() - shown) + " more)";
    return s;
}

}  // namespace lora
