#pragma once
// tokenizer.json "pre_tokenizer": splits normalised text into the words the model sees.
#include <memory>
#include <vector>

#include "tokenizer/config.h"
#include "tokenizer/splitting.h"

namespace lora::tok {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    virtual void preTokenize(std::vector<Piece>& pieces) const = 0;
    // True for ByteLevel (alone or inside a Sequence): decides kind().
    virtual bool isByteLevel() const { return false; }
};

// Null JSON gives nullptr (the whole normalised text is one word). Throws ConfigError for unknown types.
std::unique_ptr<PreTokenizer> makePreTokenizer(const Json& j);

}  // namespace lora::tok
