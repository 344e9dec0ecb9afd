#pragma once
// Reading tokenizer.json components. Component parsers throw ConfigError with the problem only;
// Tokenizer::fromFile prefixes the file path.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "tokenizer/splitting.h"

namespace lora::tok {

using Json = nlohmann::json;

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `section` names the place in the file for messages, e.g. "normalizer".
std::string componentType(const Json& j, const char* section);
[[noreturn]] void unsupported(const char* section, const std::string& type);

bool boolOr(const Json& j, const char* key, bool fallback);
std::string stringOr(const Json& j, const char* key, const std::string& fallback);
std::optional<std::string> optionalString(const Json& j, const char* key);
int64_t intOr(const Json& j, const char* key, int64_t fallback);
const Json& required(const Json& j, const char* key, const char* section);
int32_t toId(const Json& j, const char* section);
char32_t singleChar(const std::string& s, const char* section);

// {"String": "..."} or {"Regex": "..."}: the matcher the Rust crate builds for Split and Replace.
Finder patternFinder(const Json& pattern, const char* section);
SplitBehavior splitBehavior(const Json& j, const char* section);

}  // namespace lora::tok
