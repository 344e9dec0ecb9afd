#pragma once
// tokenizer.json "decoder": turns the tokens of ids back into text.
#include <memory>
#include <string>
#include <vector>

#include "tokenizer/config.h"

namespace lora::tok {

class Decoder {
public:
    virtual ~Decoder() = default;
    // The Rust crate's decode_chain: tokens in, tokens out; the caller concatenates.
    virtual void decodeChain(std::vector<std::string>& tokens) const = 0;
    virtual bool isByteLevel() const { return false; }
};

std::unique_ptr<Decoder> makeDecoder(const Json& j);

}  // namespace lora::tok
