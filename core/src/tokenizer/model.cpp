#include "tokenizer/model.h"

namespace lora::tok {

Vocab readVocab(const Json& vocab, const char* section, std::unordered_map<int32_t, std::string>& reverse)
{
    if (!vocab.is_object()) throw ConfigError(std::string(section) + ": \"vocab\" must be an object of token -> id");
    Vocab out;
    out.reserve(vocab.size());
    reverse.reserve(vocab.size());
    for (const auto& [token, id] : vocab.items()) {
        const int32_t i = toId(id, section);
        out.emplace(token, i);
        reverse[i] = token;
    }
    return out;
}

}  // namespace lora::tok
