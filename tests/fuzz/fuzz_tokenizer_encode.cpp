// Hostile text (invalid UTF-8, control characters, huge runs of one character) through the bundled model's real
// tokenizer: encode, then decode what came out.
#include "fuzz_support.h"
#include "lora/tokenizer.h"

#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const auto tokenizer = lora::Tokenizer::fromFile(LORA_FUZZ_TOKENIZER_JSON);
    lora::fuzz::expectOnlyLoraErrors([&] {
        const auto ids = tokenizer->encode(lora::fuzz::asText(data, size), true);
        (void)tokenizer->decode(ids);
    });
    return 0;
}
