#include "generate/eos.h"

#include "lora/error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>

namespace lora::generation {
namespace {

// The ids a file names, or nothing when the file or its eos_token_id key is absent (null names none).
std::optional<std::vector<int64_t>> idsIn(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throwFileError(file, std::string("invalid JSON: ") + e.what());
    }
    if (!j.is_object() || !j.contains("eos_token_id"))
        return std::nullopt;
    const auto& value = j.at("eos_token_id");
    std::vector<int64_t> ids;
    if (value.is_number_integer())
        ids.push_back(value.get<int64_t>());
    else if (value.is_array())
        for (const auto& v : value)
            if (v.is_number_integer())
                ids.push_back(v.get<int64_t>());
            else
                throwFileError(file, "eos_token_id must be a token id or a list of token ids");
    else if (!value.is_null())
        throwFileError(file, "eos_token_id must be a token id or a list of token ids");
    return ids;
}

}  // namespace

std::vector<int64_t> eosTokenIds(const std::filesystem::path& modelDir)
{
    if (auto ids = idsIn(modelDir / "generation_config.json"))
        return *ids;
    if (auto ids = idsIn(modelDir / "config.json"))
        return *ids;
    return {};
}

}  // namespace lora::generation
