// adapter_config.json of a PEFT folder (import): ranks, alphas, patterns, target lists and regexes.
#include "fuzz_support.h"
#include "lora/lora_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    lora::fuzz::expectOnlyLoraErrors([&] {
        const auto config = lora::parseAdapterConfigJson(std::string(lora::fuzz::asText(data, size)),
                                                         "adapter_config.json");
        // What import does next with a parsed config: per-module rank, alpha and scaling lookups.
        for (const char* name : {"model.layers.0.self_attn.q_proj", "transformer.h.1.attn.c_attn", "x"}) {
            (void)config.rankFor(name);
            (void)config.scalingFor(name);
        }
    });
    return 0;
}
