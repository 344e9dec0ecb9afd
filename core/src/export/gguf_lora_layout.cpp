#include "export/gguf_lora_layout.h"

#include "lora/error.h"

#include <map>
#include <regex>

namespace lora::gguf {
namespace {

// Hugging Face module name inside a block -> llama.cpp tensor (gguf-py's tensor_mapping.py).
const std::map<std::string, std::string>& llamaBlockTensors()
{
    static const std::map<std::string, std::string> names = {
        {"self_attn.q_proj", "attn_q"},   {"self_attn.k_proj", "attn_k"}, {"self_attn.v_proj", "attn_v"},
        {"self_attn.o_proj", "attn_output"}, {"mlp.gate_proj", "ffn_gate"}, {"mlp.up_proj", "ffn_up"},
        {"mlp.down_proj", "ffn_down"}};
    return names;
}

// GPT-2's Conv1D weights are transposed to [out, in] by convert_hf_to_gguf.py; PEFT's A and B are already in
// that Linear layout, so they are written unchanged. c_attn is fused QKV, as llama.cpp's attn_qkv is.
const std::map<std::string, std::string>& gpt2BlockTensors()
{
    static const std::map<std::string, std::string> names = {
        {"attn.c_attn", "attn_qkv"}, {"attn.c_proj", "attn_output"}, {"mlp.c_fc", "ffn_up"},
        {"mlp.c_proj", "ffn_down"}};
    return names;
}

[[noreturn]] void refuseModule(const std::filesystem::path& file, const std::string& module, const std::string& why)
{
    throwFileError(file, "cannot export the LoRA on '" + module + "' for llama.cpp: " + why);
}

}  // namespace

std::string ggufArchitecture(const BaseModelFacts& base, const std::filesystem::path& file)
{
    // convert_hf_to_gguf.py registers MistralForCausalLM as the llama architecture.
    if (base.modelType == "llama" || base.modelType == "mistral")
        return "llama";
    if (base.modelType == "qwen2" || base.modelType == "gpt2")
        return base.modelType;
    throwFileError(file, "llama.cpp LoRA export supports Llama-family (llama, mistral, qwen2) and GPT-2 models, "
                         "not model_type '" + base.modelType + "' — export a PEFT folder instead");
}

GgufTarget ggufTarget(const BaseModelFacts& base, const std::string& moduleName, const std::filesystem::path& file)
{
    const bool gpt2 = base.modelType == "gpt2";
    if (moduleName == "lm_head") {
        if (base.tiedEmbeddings)
            refuseModule(file, moduleName, "the LM head is tied to the token embedding, and llama.cpp applies "
                                           "adapters to output.weight only when the base GGUF stores one — "
                                           "train without lm_head in target_modules");
        return {"output.weight", std::nullopt};
    }
    static const std::regex llamaBlock(R"(model\.layers\.(\d+)\.(.+))");
    static const std::regex gpt2Block(R"(transformer\.h\.(\d+)\.(.+))");
    std::smatch m;
    if (!std::regex_match(moduleName, m, gpt2 ? gpt2Block : llamaBlock))
        refuseModule(file, moduleName, "llama.cpp has LoRA slots only for the block projections and the LM head");
    const auto& table = gpt2 ? gpt2BlockTensors() : llamaBlockTensors();
    const auto found = table.find(m[2].str());
    if (found == table.end())
        refuseModule(file, moduleName, "llama.cpp has no tensor for this module");
    GgufTarget target{"blk." + m[1].str() + "." + found->second + ".weight", std::nullopt};
    // LlamaModel.modify_tensors permutes q_proj rows with n_head heads and k_proj rows with n_head_kv heads.
    if (ggufArchitecture(base, file) == "llama") {
        if (found->second == "attn_q")
            target.permuteRows = RowPermutation{base.numHeads};
        else if (found->second == "attn_k")
            target.permuteRows = RowPermutation{base.numKeyValueHeads > 0 ? base.numKeyValueHeads : base.numHeads};
    }
    return target;
}

}  // namespace lora::gguf
