#pragma once
// Shared by the adapter Qt tests: fixture models, adapters made and saved into temporary folders.
#include "adapter/adapter_impl.h"
#include "engine/model_impl.h"
#include "lora/adapter.h"
#include "lora/error.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lora::test {

inline std::filesystem::path fixtureModel(const std::string& name)
{
    return std::filesystem::path(LORA_FIXTURES_DIR) / "models" / name;
}

inline std::filesystem::path tempPath(const QTemporaryDir& tmp, const std::string& name)
{
    return std::filesystem::path(tmp.path().toStdString()) / name;
}

inline LoraConfig loraConfig(std::vector<std::string> targets, int r = 4, bool dora = false)
{
    LoraConfig c;
    c.targetModules = std::move(targets);
    c.r = r;
    c.alpha = 2.0 * r;
    c.useDora = dora;
    return c;
}

// Every adapter tensor gets seeded noise: a fresh adapter (B = 0) would not change any output.
inline void addNoise(Adapter& adapter, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(seed);
    for (auto& [name, t] : adapter.impl().lora->namedTensors())
        t.add_(0.3 * torch::randn(t.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat32)).to(t.dtype()));
}

inline std::vector<int64_t> tokenIds(const Model& model)
{
    std::vector<int64_t> ids;
    for (int i = 0; i < 10; ++i)
        ids.push_back((7 * i + 3) % model.description().vocabSize);
    return ids;
}

inline torch::Tensor logitsOf(const Model& model)
{
    const auto out = model.logits(tokenIds(model));
    return torch::tensor(out.values).view(out.shape);
}

// Every parameter of the loaded network, cloned, by name.
inline std::vector<std::pair<std::string, torch::Tensor>> snapshot(const Model& model)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : model.impl().network->named_parameters(true))
        out.emplace_back(p.key(), p.value().detach().clone());
    return out;
}

// The message of the lora::Error `f` throws; fails the test when it throws nothing.
inline std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error thrown)";
}

inline bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace lora::test
