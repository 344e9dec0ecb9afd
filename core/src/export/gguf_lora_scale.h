#pragma once
// llama.cpp's LoRA scale (llama_adapter_lora_weight::get_scale): alpha / rank with the file's one alpha and the
// pair's rank, or 1 when alpha is 0 (then the user's --lora-scaled value alone). A module whose PEFT scaling
// differs (alpha_pattern, rsLoRA's alpha / √r, an adapter alpha of 0) gets the ratio folded into its lora_b.
#include <cstdint>

namespace lora::gguf {

inline double llamaCppScale(double fileAlpha, int64_t rank)
{
    return fileAlpha != 0 ? fileAlpha / static_cast<double>(rank) : 1.0;
}

// What lora_b is multiplied by so that llama.cpp's scale times B·A equals PEFT's scaling times B·A.
inline double loraBFactor(double peftScaling, double fileAlpha, int64_t rank)
{
    return peftScaling / llamaCppScale(fileAlpha, rank);
}

}  // namespace lora::gguf
