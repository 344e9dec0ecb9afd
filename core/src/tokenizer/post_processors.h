#pragma once
// tokenizer.json "post_processor": adds special tokens around an encoded sequence (single sequences only).
#include <cstdint>
#include <memory>
#include <vector>

#include "tokenizer/config.h"

namespace lora::tok {

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    virtual std::vector<int32_t> process(std::vector<int32_t> ids, bool addSpecialTokens) const = 0;
};

std::unique_ptr<PostProcessor> makePostProcessor(const Json& j);

}  // namespace lora::tok
