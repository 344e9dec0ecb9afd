#include "lora/adapter.h"

#include "adapter/adapter_impl.h"
#include "adapter/merged_export.h"
#include "adapter/peft_folder.h"
#include "engine/model_impl.h"
#include "lora/error.h"

#include <cmath>

namespace lora {
namespace {

std::unique_ptr<Adapter::Impl> makeImpl(Model& model, std::shared_ptr<adapter::LoraAdapter> lora)
{
    auto impl = std::make_unique<Adapter::Impl>();
    impl->network = model.impl().network;
    impl->modelDirectory = model.impl().directory;
    impl->budget = computeBudget(model.description(), lora->targets(), lora->config());
    impl->lora = std::move(lora);
    return impl;
}

}  // namespace

Adapter::Adapter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Adapter::~Adapter() = default;

std::shared_ptr<Adapter> Adapter::create(Model& model, const LoraConfig& config, uint64_t seed)
{
    auto& m = model.impl();
    const auto targets = selectTargets(m.description, config);
    auto lora = adapter::LoraAdapter::create(*m.network, config, targets, seed);
    if (lora->modifiesBase())
        m.description.warnings.push_back("PiSSA replaced the weights of " + std::to_string(targets.size()) +
                                         " projections by their residuals: this loaded model is no longer the "
                                         "checkpoint on disk (reload it to get the original back)");
    return std::shared_ptr<Adapter>(new Adapter(makeImpl(model, std::move(lora))));
}

std::shared_ptr<Adapter> Adapter::load(Model& model, const std::filesystem::path& peftDir)
{
    auto& m = model.impl();
    auto lora = adapter::loadPeftFolder(*m.network, m.description, peftDir);
    auto impl = makeImpl(model, std::move(lora));
    impl->source = peftDir;
    return std::shared_ptr<Adapter>(new Adapter(std::move(impl)));
}

void Adapter::save(const std::filesystem::path& dir) const { adapter::savePeftFolder(*impl_->lora, dir); }

void Adapter::saveMerged(const std::filesystem::path& outDir) const
{
    adapter::exportMergedModel(*impl_->network, *impl_->lora, impl_->modelDirectory, outDir);
}

const LoraConfig& Adapter::config() const { return impl_->lora->config(); }
const std::vector<LoraTarget>& Adapter::targets() const { return impl_->lora->targets(); }
const ParameterBudget& Adapter::budget() const { return impl_->budget; }
int64_t Adapter::parameterCount() const { return impl_->lora->parameterCount(); }
bool Adapter::modifiesBase() const { return impl_->lora->modifiesBase(); }
const std::filesystem::path& Adapter::source() const { return impl_->source; }

std::vector<std::string> Adapter::modulesToSave() const
{
    std::vector<std::string> names;
    for (const auto& copy : impl_->lora->savedModules())
        names.push_back(copy.name);
    return names;
}

void Model::setAdapter(std::shared_ptr<Adapter> adapter)
{
    if (adapter && adapter->impl().network != impl_->network)
        throw Error("this adapter was made for another loaded model; create or load it with this one");
    adapter::LoraAdapter::detach(*impl_->network);
    if (impl_->adapter)
        impl_->adapter->impl().lora->setScale(1.0);
    impl_->adapter = std::move(adapter);
    if (impl_->adapter) {
        impl_->adapter->impl().lora->setScale(impl_->adapterScale);
        // Forward passes through the facade are inference: no LoRA dropout. A trainer sets training itself.
        impl_->adapter->impl().lora->setTraining(false);
        impl_->adapter->impl().lora->attach(*impl_->network);
    }
}

const std::shared_ptr<Adapter>& Model::adapter() const { return impl_->adapter; }

void Model::setAdapterScale(double scale)
{
    if (!std::isfinite(scale))
        throw Error("the adapter scale must be a finite number");
    impl_->adapterScale = scale;
    if (impl_->adapter)
        impl_->adapter->impl().lora->setScale(scale);
}

double Model::adapterScale() const { return impl_->adapterScale; }

}  // namespace lora
