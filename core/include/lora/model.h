#pragma once
// A Hugging Face model folder (config.json + *.safetensors) loaded into core's engine.
// Torch-free public view: the UI and the CLI see descriptions and plain float arrays, never tensors.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lora {

class Adapter;

// One module of the model, named exactly as Hugging Face names it ("transformer.h.0.attn.c_attn").
struct ModuleInfo {
    std::string name;
    std::string type;                  // "Linear", "Conv1D", "Embedding", "LayerNorm", "RMSNorm", "GPT2Block", ...
    std::vector<int64_t> weightShape;  // as stored in the checkpoint; empty for containers
    int64_t parameters = 0;            // own parameters (weight + bias), not counting children
    std::string tiedTo;                // for a tied weight (lm_head): the module that owns it, else empty
};

struct ModelDescription {
    std::string modelType;     // config.json "model_type": gpt2, llama, mistral, qwen2, bert
    std::string architecture;  // GPT2LMHeadModel, LlamaForCausalLM, BertForSequenceClassification, ...
    std::string task;          // "causal-lm" or "sequence-classification"
    int64_t totalParameters = 0;  // unique parameters (tied weights counted once), as PEFT counts them
    int numLayers = 0;
    int hiddenSize = 0;
    int vocabSize = 0;
    int numLabels = 0;  // sequence classification only
    bool tiedEmbeddings = false;
    std::vector<ModuleInfo> modules;  // every module, parents before children, in registration order
    // What the user should know about the load: parameters the checkpoint lacked that were initialised (a
    // classifier head on a base-model checkpoint), checkpoint tensors the architecture does not use.
    std::vector<std::string> warnings;
};

struct LoadOptions {
    std::string device = "cpu";  // "cpu", "cuda", "cuda:N"
    std::string dtype = "float32";  // "float32", "bfloat16", "float16"
};

struct FloatArray {
    std::vector<int64_t> shape;
    std::vector<float> values;  // row-major
};

// Names of the model_type values core can build, for error messages and the UI.
std::vector<std::string> supportedModelTypes();

class Model {
public:
    // Throws lora::Error naming the file and the problem (missing config.json, unknown model_type, a tensor
    // missing or of the wrong shape, a pickle-only folder, ...).
    static std::shared_ptr<Model> load(const std::filesystem::path& modelDir, const LoadOptions& options = {});
    ~Model();

    const std::filesystem::path& directory() const;
    const ModelDescription& description() const;

    const LoadOptions& options() const;  // as normalised: "cuda" becomes "cuda:0"

    // One forward pass on one sequence: causal LM -> [1, T, vocab]; sequence classification -> [1, numLabels].
    // Throws lora::Error for an empty sequence, ids outside the vocabulary, or more tokens than the model embeds.
    FloatArray logits(const std::vector<int64_t>& inputIds) const;

    // The adapter forward passes run with (logits() included); nullptr detaches. The adapter must have been
    // made for this model (Adapter::create/load with it), else lora::Error. The base weights are never touched:
    // detaching gives back exactly the base model. Not thread-safe against a running forward pass.
    void setAdapter(std::shared_ptr<Adapter> adapter);
    const std::shared_ptr<Adapter>& adapter() const;

    // A multiplier on every LoRA scaling s of the attached adapter at inference (logits, generation): 0 is the
    // base model, 1 the adapter as trained, in between or beyond blends its effect. Kept across setAdapter; a
    // detached adapter goes back to its trained scaling. lora::Error for a value that is not finite.
    void setAdapterScale(double scale);
    double adapterScale() const;

    // core's internals (torch) reach the loaded network through this; the public API never does.
    struct Impl;
    Impl& impl() const { return *impl_; }

private:
    explicit Model(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lora
