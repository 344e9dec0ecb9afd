#pragma once
// Shared by the model tests: fixture folders, copies of them to break, and checkpoint rewriting.
#include "lora/safetensors.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace lora::test {

inline std::filesystem::path fixtureModel(const std::string& name)
{
    return std::filesystem::path(LORA_FIXTURES_DIR) / "models" / name;
}

// transformers' logits and description for a fixture model.
inline std::filesystem::path fixtureReference(const std::string& name)
{
    return std::filesystem::path(LORA_FIXTURES_DIR) / "models" / "reference" / name;
}

// Copies a fixture model folder into `tmp` and returns the copy's path.
inline std::filesystem::path copyFixture(const std::string& name, const QTemporaryDir& tmp)
{
    const auto to = std::filesystem::path(tmp.path().toStdString()) / name;
    std::filesystem::copy(fixtureModel(name), to, std::filesystem::copy_options::recursive);
    return to;
}

inline std::string readText(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void writeText(const std::filesystem::path& file, const std::string& text)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
}

inline void editConfig(const std::filesystem::path& dir, const std::function<void(nlohmann::json&)>& edit)
{
    auto j = nlohmann::json::parse(readText(dir / "config.json"));
    edit(j);
    writeText(dir / "config.json", j.dump(2));
}

// A tensor to write in place of one read: its new name, and bytes/shape owned here.
struct RewrittenTensor {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    std::vector<std::byte> bytes;
};

// Rewrites <dir>/model.safetensors: `change` sees each tensor and returns its replacement, or nothing to drop it.
inline void rewriteCheckpoint(const std::filesystem::path& dir,
                              const std::function<std::optional<RewrittenTensor>(RewrittenTensor)>& change)
{
    const auto file = dir / "model.safetensors";
    std::vector<RewrittenTensor> kept;
    {
        const auto in = SafetensorsFile::open(file);
        for (const auto& t : in->tensors()) {
            const auto bytes = in->bytes(t);
            auto out = change(RewrittenTensor{t.name, t.dtype, t.shape, {bytes.begin(), bytes.end()}});
            if (out)
                kept.push_back(std::move(*out));
        }
    }
    std::vector<TensorToWrite> tensors;
    for (const auto& t : kept)
        tensors.push_back({t.name, t.dtype, t.shape, std::span<const std::byte>(t.bytes)});
    writeSafetensors(file, tensors);
}

}  // namespace lora::test
