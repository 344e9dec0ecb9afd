#pragma once
// A LoRA adapter as llama.cpp loads it: one GGUF file (general.type "adapter", adapter.type "lora",
// adapter.lora.alpha) holding "<base tensor>.lora_a" / ".lora_b" pairs named and laid out as in the base model's
// GGUF from convert_hf_to_gguf.py, for `llama-cli -m base.gguf --lora adapter.gguf`. docs/GGUF.md.
#include "lora/adapter.h"

#include <filesystem>
#include <string>

namespace lora {

struct GgufExportOptions {
    bool f16 = false;  // F16 instead of F32 tensor data (half the size; values rounded to 11 significant bits)
};

struct GgufExportSummary {
    std::string architecture;  // general.architecture: must match the base GGUF's ("llama", "qwen2", "gpt2")
    double alpha = 0;          // adapter.lora.alpha
    int pairs = 0;             // lora_a/lora_b pairs written
    int rescaledPairs = 0;     // pairs whose lora_b carries a folded scale (rsLoRA, alpha_pattern)
};

// llama.cpp scales every pair by alpha / rank (rank read from the tensor), with one alpha per file. PEFT's scale
// per module (alpha_pattern, rsLoRA's alpha / √r) is folded into that module's lora_b so the product is exact.
// A PiSSA adapter is written as the plain LoRA PEFT would save (valid on the original base).
// Throws lora::Error naming `file` and the reason for what llama.cpp cannot express: DoRA, modules_to_save or a
// classification head, BERT, a module without a llama.cpp LoRA slot, an LM head tied to the embedding.
// The file is written atomically.
GgufExportSummary exportGguf(const Adapter& adapter, const std::filesystem::path& file,
                             const GgufExportOptions& options = {});

}  // namespace lora
