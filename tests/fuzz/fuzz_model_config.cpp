// config.json of a model folder: JSON of any shape, sizes out of range, unknown architectures.
#include "fuzz_support.h"
#include "model/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    lora::fuzz::expectOnlyLoraErrors([&] {
        lora::model::parseModelConfig(std::string(lora::fuzz::asText(data, size)), "config.json");
    });
    return 0;
}
