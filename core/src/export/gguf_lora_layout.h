#pragma once
// How llama.cpp names and lays out the base tensors a LoRA adapter pairs with, per Hugging Face model type:
// its architecture string (general.architecture must equal the base GGUF's), each target module's GGUF tensor
// name, and whether its convert_hf_to_gguf.py permuted the rows of that weight (Llama's q/k for its RoPE
// layout), in which case lora_b's rows must be permuted the same way. Torch-free.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lora::gguf {

struct RowPermutation {
    int64_t heads = 0;  // LlamaModel.permute(w, n_head, n_head_kv): rows reshaped [heads, 2, rows/heads/2]
};

struct GgufTarget {
    std::string tensorName;  // "blk.0.attn_q.weight"
    std::optional<RowPermutation> permuteRows;
};

struct BaseModelFacts {
    std::string modelType;  // config.json model_type
    int64_t numHeads = 0;
    int64_t numKeyValueHeads = 0;
    bool tiedEmbeddings = false;
};

// "llama" for llama and mistral, "qwen2", "gpt2". Throws lora::Error naming `file` (the export target) for a
// model type llama.cpp's LoRA runtime cannot pair with (BERT: sequence classification has no llama.cpp path).
std::string ggufArchitecture(const BaseModelFacts& base, const std::filesystem::path& file);

// The GGUF tensor a target module modifies. Throws lora::Error naming `file` for modules llama.cpp has no
// LoRA slot for, or an LM head tied to the embedding (llama.cpp's base has no output.weight to pair with).
GgufTarget ggufTarget(const BaseModelFacts& base, const std::string& moduleName, const std::filesystem::path& file);

}  // namespace lora::gguf
