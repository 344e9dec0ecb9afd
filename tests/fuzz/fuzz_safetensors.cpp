// A whole .safetensors file from hostile bytes: the 8-byte length, the JSON header (dtypes, shapes, offsets,
// metadata) and the data area, opened as Model::load opens a checkpoint, then every tensor's bytes touched.
#include "fuzz_support.h"
#include "lora/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto file = lora::fuzz::writeScratch("model.safetensors", lora::fuzz::asText(data, size));
    lora::fuzz::expectOnlyLoraErrors([&] {
        const auto st = lora::SafetensorsFile::open(file);
        size_t sum = 0;
        for (const auto& info : st->tensors()) {
            const auto bytes = st->bytes(info);
            if (!bytes.empty())
                sum += static_cast<unsigned char>(bytes.front()) + static_cast<unsigned char>(bytes.back());
        }
        (void)sum;
    });
    return 0;
}
