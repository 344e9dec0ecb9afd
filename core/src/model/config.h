#pragma once
// config.json of a Hugging Face model folder, validated and reduced to what core's architectures read.
// Torch-free so that anything (the CLI's inspect command, the UI) can read a config cheaply.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lora::model {

// RoPE frequency scaling (config "rope_parameters" in transformers 5, "rope_theta"/"rope_scaling" before).
struct RopeConfig {
    std::string type = "default";  // "default", "linear", "llama3"
    double theta = 10000.0;
    double factor = 1.0;
    double lowFreqFactor = 1.0;                 // llama3
    double highFreqFactor = 4.0;                // llama3
    int64_t originalMaxPositionEmbeddings = 0;  // llama3
};

struct ModelConfig {
    std::filesystem::path file;  // the config.json this came from, for error messages
    std::string modelType;       // gpt2, llama, mistral, qwen2, bert
    std::vector<std::string> architectures;  // as listed in config.json (informational)

    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKeyValueHeads = 0;
    int64_t headDim = 0;
    int64_t intermediateSize = 0;
    int64_t maxPositionEmbeddings = 0;  // 0: no learned positions and no hard limit (RoPE)
    std::string hiddenAct;
    double normEps = 1e-5;
    double initializerRange = 0.02;
    bool tieWordEmbeddings = false;

    // gpt2
    bool scaleAttnWeights = true;
    bool scaleAttnByInverseLayerIdx = false;

    // llama family
    bool attentionBias = false;  // q,k,v,o biases (llama attention_bias); qwen2 always has q,k,v biases
    bool qkvBias = false;
    bool mlpBias = false;
    RopeConfig rope;
    std::optional<int64_t> slidingWindow;  // for the layers in slidingLayers
    std::vector<bool> slidingLayers;       // per layer: does the window apply

    // bert
    int64_t typeVocabSize = 0;
    int64_t numLabels = 0;
    int64_t padTokenId = -1;
};

// Reads and validates <file>. Throws lora::Error "<file>: <problem>" naming the offending key.
ModelConfig loadModelConfig(const std::filesystem::path& file);

// Same, from text already read (the file name is used in messages only).
ModelConfig parseModelConfig(const std::string& text, const std::filesystem::path& file);

}  // namespace lora::model
