#include "tokenizer/config.h"

#include <memory>

#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace lora::tok {

std::string componentType(const Json& j, const char* section)
{
    if (!j.is_object()) throw ConfigError(std::string(section) + " must be a JSON object");
    const auto it = j.find("type");
    if (it == j.end() || !it->is_string()) throw ConfigError(std::string(section) + " has no \"type\"");
    return it->get<std::string>();
}

void unsupported(const char* section, const std::string& type)
{
    throw ConfigError("unsupported " + std::string(section) + " type '" + type + "'");
}

bool boolOr(const Json& j, const char* key, bool fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) throw ConfigError(std::string("\"") + key + "\" must be true or false");
    return it->get<bool>();
}

std::optional<std::string> optionalString(const Json& j, const char* key)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw ConfigError(std::string("\"") + key + "\" must be a string");
    return it->get<std::string>();
}

std::string stringOr(const Json& j, const char* key, const std::string& fallback)
{
    return optionalString(j, key).value_or(fallback);
}

int64_t intOr(const Json& j, const char* key, int64_t fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_number_integer()) throw ConfigError(std::string("\"") + key + "\" must be an integer");
    return it->get<int64_t>();
}

const Json& required(const Json& j, const char* key, const char* section)
{
    const auto it = j.find(key);
    if (it == j.end()) throw ConfigError(std::string(section) + " has no \"" + key + "\"");
    return *it;
}

int32_t toId(const Json& j, const char* section)
{
    if (!j.is_number_integer() || j.get<int64_t>() < 0 || j.get<int64_t>() > INT32_MAX)
        throw ConfigError(std::string(section) + ": token id must be an integer in 0.." + std::to_string(INT32_MAX));
    return static_cast<int32_t>(j.get<int64_t>());
}

char32_t singleChar(const std::string& s, const char* section)
{
    const auto cps = toCodepoints(s);
    if (cps.size() != 1) throw ConfigError(std::string(section) + ": expected a single character, got '" + s + "'");
    return cps[0];
}

Finder patternFinder(const Json& pattern, const char* section)
{
    if (pattern.is_object()) {
        if (const auto it = pattern.find("String"); it != pattern.end() && it->is_string()) {
            return [literal = it->get<std::string>()](std::string_view text) { return literalSpans(literal, text); };
        }
        if (const auto it = pattern.find("Regex"); it != pattern.end() && it->is_string()) {
            std::shared_ptr<const Regex> re;
            try {
                re = std::make_shared<const Regex>(onigurumaToPcre2(it->get<std::string>()));
            } catch (const std::runtime_error& e) {
                throw ConfigError(std::string(section) + ": " + e.what());
            }
            return [re](std::string_view text) { return regexSpans(*re, text); };
        }
    }
    throw ConfigError(std::string(section) + ": \"pattern\" must be {\"String\": ...} or {\"Regex\": ...}");
}

SplitBehavior splitBehavior(const Json& j, const char* section)
{
    const std::string b = j.is_string() ? j.get<std::string>() : std::string();
    if (b == "Removed") return SplitBehavior::Removed;
    if (b == "Isolated") return SplitBehavior::Isolated;
    if (b == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
    if (b == "MergedWithNext") return SplitBehavior::MergedWithNext;
    if (b == "Contiguous") return SplitBehavior::Contiguous;
    throw ConfigError(std::string(section) + ": unknown split behavior '" + j.dump() + "'");
}

}  // namespace lora::tok
