// The adapter library: adapters kept inside the run database as safetensors bytes plus adapter_config.json.
#include "lora/run_store.h"

#include "lora/atomic_file.h"
#include "lora/safetensors.h"
#include "store/digest.h"
#include "store/run_store_impl.h"

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace lora {

namespace {

std::vector<std::byte> readBytes(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throwFileError(file, "cannot be read");
    std::vector<std::byte> out(static_cast<size_t>(in.tellg()));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size())))
        throwFileError(file, "reading failed");
    return out;
}

StoredAdapter readAdapter(SQLite::Statement& q)
{
    StoredAdapter a;
    a.id = q.getColumn(0).getInt64();
    if (!q.getColumn(1).isNull())
        a.runId = q.getColumn(1).getInt64();
    a.name = q.getColumn(2).getString();
    a.configJson = q.getColumn(3).getString();
    a.sizeBytes = q.getColumn(4).getInt64();
    a.sha256 = q.getColumn(5).getString();
    a.createdAt = q.getColumn(6).getDouble();
    return a;
}

constexpr const char* kAdapterColumns = "id, run_id, name, config_json, size_bytes, sha256, created_at";

}  // namespace

int64_t RunStore::storeAdapter(const std::string& name, std::optional<int64_t> runId, const std::string& configJson,
                               const std::vector<std::byte>& safetensors)
{
    const auto config = nlohmann::json::parse(configJson, nullptr, false);
    if (!config.is_object())
        throw Error("adapter '" + name + "': its adapter_config.json is not a JSON object; nothing was stored");
    if (safetensors.size() < 8)
        throw Error("adapter '" + name + "': its safetensors bytes are too short to hold a header; nothing was stored");
    if (safetensors.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
        throw Error("adapter '" + name + "': " + std::to_string(safetensors.size()) +
                    " bytes is more than one database value may hold (2 GiB); keep it as a PEFT folder");
    const auto digest = sha256Hex(safetensors);
    return impl_->run("storing an adapter", [&] {
        SQLite::Statement q(*impl_->db, "INSERT INTO adapters (run_id, name, config_json, size_bytes, sha256, "
                                        "created_at, tensors) VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (runId)
            q.bind(1, *runId);
        else
            q.bind(1);
        q.bind(2, name);
        q.bind(3, configJson);
        q.bind(4, static_cast<int64_t>(safetensors.size()));
        q.bind(5, digest);
        q.bind(6, store::unixNow());
        q.bind(7, safetensors.data(), static_cast<int>(safetensors.size()));
        q.exec();
        return impl_->db->getLastInsertRowid();
    });
}

int64_t RunStore::importAdapter(const std::filesystem::path& peftDir, const std::string& name,
                                std::optional<int64_t> runId)
{
    const auto configFile = peftDir / "adapter_config.json";
    const auto tensorsFile = peftDir / "adapter_model.safetensors";
    if (!std::filesystem::is_regular_file(configFile))
        throwFileError(peftDir, "is not a PEFT adapter folder: adapter_config.json is missing");
    if (!std::filesystem::is_regular_file(tensorsFile)) {
        if (std::filesystem::exists(peftDir / "adapter_model.bin"))
            throwFileError(peftDir, "holds adapter_model.bin, a pickle (which can run code when loaded); save the "
                                    "adapter with safe_serialization=True to get adapter_model.safetensors");
        throwFileError(peftDir, "is not a PEFT adapter folder: adapter_model.safetensors is missing");
    }
    const auto configBytes = readBytes(configFile);
    const std::string configJson(reinterpret_cast<const char*>(configBytes.data()), configBytes.size());
    const auto config = nlohmann::json::parse(configJson, nullptr, false);
    if (!config.is_object())
        throwFileError(configFile, "is not valid JSON");
    if (config.value("peft_type", std::string("LORA")) != "LORA")
        throwFileError(configFile, "describes a " + config.value("peft_type", std::string()) +
                                       " adapter; only LoRA adapters are kept in the library");
    {
        const auto file = SafetensorsFile::open(tensorsFile);  // validates the header and every offset
        if (file->tensors().empty())
            throwFileError(tensorsFile, "holds no tensors; an empty adapter is not stored");
    }
    std::string label = name;
    if (label.empty())
        label = std::filesystem::absolute(peftDir).lexically_normal().filename().string();
    if (label.empty())
        label = std::filesystem::absolute(peftDir).lexically_normal().parent_path().filename().string();
    return storeAdapter(label, runId, configJson, readBytes(tensorsFile));
}

void RunStore::exportAdapter(int64_t adapterId, const std::filesystem::path& dir) const
{
    const auto meta = adapter(adapterId);
    if (!meta)
        throw Error(impl_->file.string() + ": there is no adapter " + std::to_string(adapterId) +
                    " (lora-cli adapters lists them)");
    const auto tensors = adapterTensors(adapterId);
    if (sha256Hex(tensors) != meta->sha256)
        throw Error(impl_->file.string() + ": adapter " + std::to_string(adapterId) +
                    "'s tensors do not match the sha256 recorded when it was stored; nothing was written");
    std::filesystem::create_directories(dir);
    writeFileAtomically(dir / "adapter_model.safetensors", [&](const ByteSink& sink) { sink(tensors); });
    writeFileAtomically(dir / "adapter_config.json", meta->configJson);
}

std::vector<StoredAdapter> RunStore::adapters() const
{
    return impl_->run("reading the adapter library", [&] {
        SQLite::Statement q(*impl_->db, std::string("SELECT ") + kAdapterColumns + " FROM adapters ORDER BY id DESC");
        std::vector<StoredAdapter> out;
        while (q.executeStep())
            out.push_back(readAdapter(q));
        return out;
    });
}

std::optional<StoredAdapter> RunStore::adapter(int64_t adapterId) const
{
    return impl_->run("reading an adapter", [&]() -> std::optional<StoredAdapter> {
        SQLite::Statement q(*impl_->db, std::string("SELECT ") + kAdapterColumns + " FROM adapters WHERE id = ?");
        q.bind(1, adapterId);
        if (!q.executeStep())
            return std::nullopt;
        return readAdapter(q);
    });
}

std::vector<std::byte> RunStore::adapterTensors(int64_t adapterId) const
{
    return impl_->run("reading an adapter's tensors", [&] {
        SQLite::Statement q(*impl_->db, "SELECT tensors FROM adapters WHERE id = ?");
        q.bind(1, adapterId);
        if (!q.executeStep())
            throw Error(impl_->file.string() + ": there is no adapter " + std::to_string(adapterId));
        const auto c = q.getColumn(0);
        std::vector<std::byte> out(static_cast<size_t>(c.getBytes()));
        if (!out.empty())
            std::memcpy(out.data(), c.getBlob(), out.size());
        return out;
    });
}

void RunStore::deleteAdapter(int64_t adapterId)
{
    impl_->run("deleting an adapter", [&] {
        SQLite::Statement q(*impl_->db, "DELETE FROM adapters WHERE id = ?");
        q.bind(1, adapterId);
        q.exec();
    });
}

}  // namespace lora
