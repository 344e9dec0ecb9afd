#include "engine/model_impl.h"

#include "lora/device.h"
#include "lora/error.h"
#include "lora/safetensors.h"
#include "model/config.h"
#include "model/model_description.h"
#include "model/model_loader.h"
#include "model/model_registry.h"

namespace lora {

torch::ScalarType modelDtype(const std::string& name)
{
    if (name == "float32" || name == "fp32")
        return torch::kFloat32;
    if (name == "bfloat16" || name == "bf16")
        return torch::kBFloat16;
    if (name == "float16" || name == "fp16" || name == "half")
        return torch::kFloat16;
    throw Error("dtype '" + name + "' is not supported; use float32, bfloat16 or float16");
}

namespace {

std::string canonicalDtype(torch::ScalarType t)
{
    return t == torch::kBFloat16 ? "bfloat16" : t == torch::kFloat16 ? "float16" : "float32";
}

}  // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

std::shared_ptr<Model> Model::load(const std::filesystem::path& modelDir, const LoadOptions& options)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(modelDir, ec))
        throwFileError(modelDir, "not found or not a folder; expected a Hugging Face model folder");

    auto impl = std::make_unique<Impl>();
    impl->directory = modelDir;
    impl->dtype = modelDtype(options.dtype);
    impl->options.dtype = canonicalDtype(impl->dtype);
    impl->options.device = normalizeDevice(options.device);
    impl->device = torch::Device(impl->options.device);

    // config.json first: a broken config is the clearer error when the weights are also unusable.
    const auto config = model::loadModelConfig(modelDir / "config.json");
    const auto checkpoint = SafetensorsCheckpoint::open(modelDir);

    const auto tensorOptions = torch::TensorOptions().dtype(impl->dtype).device(impl->device);
    impl->network = model::createModel(config, tensorOptions);
    const auto warnings = model::loadWeights(*impl->network, checkpoint, modelDir);
    impl->network->eval();
    impl->description = model::describeModel(*impl->network);
    impl->description.warnings = warnings;
    return std::shared_ptr<Model>(new Model(std::move(impl)));
}

const std::filesystem::path& Model::directory() const { return impl_->directory; }
const ModelDescription& Model::description() const { return impl_->description; }
const LoadOptions& Model::options() const { return impl_->options; }

FloatArray Model::logits(const std::vector<int64_t>& inputIds) const
{
    if (inputIds.empty())
        throw Error("cannot compute logits of an empty token sequence");
    // Per thread: InferenceMode is thread-local, and callers run this from worker threads.
    c10::InferenceMode inference;
    const auto ids = torch::tensor(inputIds, torch::TensorOptions().dtype(torch::kInt64))
                         .view({1, static_cast<int64_t>(inputIds.size())})
                         .to(impl_->device);
    const auto out = impl_->network->forward(ids).to(torch::kCPU, torch::kFloat32).contiguous();
    FloatArray result;
    result.shape = out.sizes().vec();
    result.values.assign(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
    return result;
}

}  // namespace lora
