// tokenizer.json from hostile bytes: loaded as a model folder's tokenizer is, then used to encode and decode a
// fixed text when it loads.
#include "fuzz_support.h"
#include "lora/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto file = lora::fuzz::writeScratch("tokenizer.json", lora::fuzz::asText(data, size));
    lora::fuzz::expectOnlyLoraErrors([&] {
        const auto tokenizer = lora::Tokenizer::fromFile(file);
        const auto ids = tokenizer->encode("Hello, wörld! 12 ships\n<|endoftext|>", true);
        (void)tokenizer->decode(ids);
    });
    return 0;
}
