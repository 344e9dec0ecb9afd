// llama.cpp's own next-token logits for a list of token ids, with a base GGUF and optionally a LoRA GGUF: the
// reference side of core.export.gguf_llama_cpp. Built only where llama.cpp is installed (scripts/install-deps puts
// it in /opt/lora-studio/llama.cpp); links libllama, not LibTorch.
// Usage: llama_cpp_logits BASE.gguf LORA.gguf|- IDS(comma-separated) OUT.f32
// OUT holds float32 logits, one row of n_vocab per id, little-endian, no header.
#include <llama.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int fail(const std::string& message) {
    std::fprintf(stderr, "llama_cpp_logits: %s\n", message.c_str());
    return 1;
}

std::vector<llama_token> parseIds(const std::string& text) {
    std::vector<llama_token> ids;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) ids.push_back(static_cast<llama_token>(std::stoi(item)));
    return ids;
}

void quietLog(ggml_log_level level, const char* text, void*) {
    if (level >= GGML_LOG_LEVEL_WARN) std::fputs(text, stderr);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) return fail("usage: llama_cpp_logits BASE.gguf LORA.gguf|- IDS OUT.f32");
    const std::string basePath = argv[1], loraPath = argv[2], outPath = argv[4];
    const std::vector<llama_token> ids = parseIds(argv[3]);
    if (ids.empty()) return fail("no token ids");

    llama_log_set(quietLog, nullptr);
    llama_backend_init();
    llama_model_params modelParams = llama_model_default_params();
    modelParams.n_gpu_layers = 0;
    llama_model* model = llama_model_load_from_file(basePath.c_str(), modelParams);
    if (!model) return fail(basePath + ": llama.cpp could not load it");

    llama_context_params contextParams = llama_context_default_params();
    contextParams.n_ctx = 64;
    contextParams.n_batch = 64;
    contextParams.n_ubatch = 64;
    contextParams.n_threads = 1;
    contextParams.n_threads_batch = 1;
    // F32 all the way, like the engine it is compared with: llama.cpp's default KV cache is F16.
    contextParams.type_k = GGML_TYPE_F32;
    contextParams.type_v = GGML_TYPE_F32;
    contextParams.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    llama_context* context = llama_init_from_model(model, contextParams);
    if (!context) return fail("llama.cpp could not create a context");

    if (loraPath != "-") {
        llama_adapter_lora* adapter = llama_adapter_lora_init(model, loraPath.c_str());
        if (!adapter) return fail(loraPath + ": llama.cpp refused the LoRA adapter");
        float scale = 1.0f;
        if (llama_set_adapters_lora(context, &adapter, 1, &scale) != 0) return fail("could not apply the adapter");
    }

    llama_batch batch = llama_batch_init(static_cast<int32_t>(ids.size()), 0, 1);
    for (size_t i = 0; i < ids.size(); ++i) {
        batch.token[i] = ids[i];
        batch.pos[i] = static_cast<llama_pos>(i);
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = 1;
    }
    batch.n_tokens = static_cast<int32_t>(ids.size());
    if (llama_decode(context, batch) != 0) return fail("llama_decode failed");

    const int32_t vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    std::ofstream out(outPath, std::ios::binary);
    for (size_t i = 0; i < ids.size(); ++i) {
        const float* row = llama_get_logits_ith(context, static_cast<int32_t>(i));
        if (!row) return fail("no logits for position " + std::to_string(i));
        out.write(reinterpret_cast<const char*>(row), static_cast<std::streamsize>(sizeof(float) * vocab));
    }
    if (!out.flush()) return fail(outPath + ": could not write");

    llama_batch_free(batch);
    llama_free(context);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
