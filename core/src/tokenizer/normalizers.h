#pragma once
// tokenizer.json "normalizer": the text transforms applied before pre-tokenization.
#include <memory>
#include <string>

#include "tokenizer/config.h"

namespace lora::tok {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual std::string normalize(std::string text) const = 0;
};

// Null JSON gives nullptr (no normalizer). Throws ConfigError for unknown types.
std::unique_ptr<Normalizer> makeNormalizer(const Json& j);

}  // namespace lora::tok
