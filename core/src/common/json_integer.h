#pragma once
// Integers read from JSON a user or another tool wrote. nlohmann's get<int>() casts a float such as 1e300 (undefined
// behaviour, found by fuzz.adapter_config) and silently truncates 2^40 into an int, so every integer setting goes
// through here and an out-of-range value becomes a message instead.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>

namespace lora {

// The value when it is a JSON integer that Int can hold; nullopt for floats, strings and out-of-range numbers.
template <class Int>
std::optional<Int> jsonInteger(const nlohmann::json& v)
{
    if (!v.is_number_integer())
        return std::nullopt;
    if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<Int>::max()))
            return std::nullopt;
        return static_cast<Int>(u);
    }
    const auto i = v.get<int64_t>();
    if constexpr (std::numeric_limits<Int>::is_signed) {
        if (i < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
            i > static_cast<int64_t>(std::numeric_limits<Int>::max()))
            return std::nullopt;
    } else if (i < 0) {
        return std::nullopt;
    }
    return static_cast<Int>(i);
}

}  // namespace lora
