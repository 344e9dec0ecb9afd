// lora-cli adapters: the adapter library kept in the run database (list, export to a PEFT folder, import one).
#include "commands.h"
#include "run_db.h"

#include "lora/adapter.h"
#include "lora/error.h"
#include "lora/gguf_export.h"
#include "lora/lora_config.h"
#include "lora/model.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace lora::cli {
namespace {

struct AdapterFlags {
    std::string db;
    bool json = false;
    int64_t id = 0;
    std::string out, dir, name;
    std::string format = "peft", model;
    bool f16 = false;
    int64_t runId = 0;
};

int list(const AdapterFlags& f)
{
    auto store = openRunStore(f.db);
    const auto adapters = store.adapters();
    if (f.json) {
        auto all = nlohmann::json::array();
        for (const auto& a : adapters)
            all.push_back({{"id", a.id},
                           {"run_id", a.runId ? nlohmann::json(*a.runId) : nlohmann::json(nullptr)},
                           {"name", a.name},
                           {"size_bytes", a.sizeBytes},
                           {"sha256", a.sha256},
                           {"created_at", a.createdAt},
                           {"config", nlohmann::json::parse(a.configJson, nullptr, false)}});
        std::cout << all.dump(2) << "\n";
        return 0;
    }
    std::cout << "ID\tRUN\tBYTES\tSHA256\tNAME\n";
    for (const auto& a : adapters)
        std::cout << a.id << "\t" << (a.runId ? std::to_string(*a.runId) : "-") << "\t" << a.sizeBytes << "\t"
                  << a.sha256.substr(0, 12) << "\t" << a.name << "\n";
    return 0;
}

// The stored PEFT folder goes through a temporary folder, is loaded onto its base model (which checks every
// tensor against it) and is written as the GGUF llama.cpp pairs with that base.
int exportGgufAdapter(const RunStore& store, const AdapterFlags& f)
{
    const auto meta = store.adapter(f.id);
    if (!meta)
        throw Error("there is no adapter " + std::to_string(f.id) + " (lora-cli adapters lists them)");
    const auto tmp = std::filesystem::temp_directory_path() /
                     ("lora-adapter-" + std::to_string(f.id) + "-" + std::to_string(::getpid()));
    store.exportAdapter(f.id, tmp);
    struct RemoveTmp {
        std::filesystem::path dir;
        ~RemoveTmp() { std::error_code ec; std::filesystem::remove_all(dir, ec); }
    } cleanup{tmp};
    const auto config = readAdapterConfig(tmp / "adapter_config.json");
    const std::string modelDir = f.model.empty() ? config.baseModelNameOrPath : f.model;
    if (modelDir.empty() || !std::filesystem::is_directory(modelDir))
        throw Error("adapter " + std::to_string(f.id) + ": its base model folder '" + modelDir +
                    "' is not here — pass --model FOLDER");
    const auto model = Model::load(modelDir);
    const auto adapter = Adapter::load(*model, tmp);
    const auto s = exportGguf(*adapter, f.out, {.f16 = f.f16});
    std::cerr << "adapter " << f.id << " written to " << f.out << " (llama.cpp LoRA GGUF, " << s.architecture
              << ", " << s.pairs << " pairs; llama-cli -m BASE.gguf --lora " << f.out << ")\n";
    return 0;
}

int exportAdapter(const AdapterFlags& f)
{
    auto store = openRunStore(f.db);
    if (f.format == "gguf")
        return exportGgufAdapter(store, f);
    store.exportAdapter(f.id, f.out);
    std::cerr << "adapter " << f.id << " written to " << f.out << " (PEFT folder)\n";
    return 0;
}

int importAdapter(const AdapterFlags& f)
{
    auto store = openRunStore(f.db);
    const auto id = store.importAdapter(f.dir, f.name, f.runId > 0 ? std::optional<int64_t>(f.runId) : std::nullopt);
    std::cout << nlohmann::json{{"adapter_id", id}}.dump() << "\n";
    return 0;
}

}  // namespace

void addAdaptersCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("adapters", "The adapter library in the run database: list (default), export, "
                                               "import");
    auto f = std::make_shared<AdapterFlags>();
    addDbOption(*cmd, f->db);
    cmd->add_flag("--json", f->json, "JSON instead of a table");
    auto* ls = cmd->add_subcommand("list", "Every stored adapter, newest first");
    addDbOption(*ls, f->db);
    ls->add_flag("--json", f->json, "JSON instead of a table");
    auto* ex = cmd->add_subcommand("export", "Write a stored adapter as a PEFT folder or a llama.cpp LoRA GGUF");
    ex->add_option("id", f->id, "Adapter id")->required();
    ex->add_option("--out", f->out, "Folder to write (created if needed); for gguf, the .gguf file")->required();
    ex->add_option("--format", f->format, "peft, or gguf (llama-cli -m base.gguf --lora adapter.gguf)")
        ->check(CLI::IsMember({"peft", "gguf"}))
        ->capture_default_str();
    ex->add_option("--model", f->model, "gguf: base model folder (default: the adapter's base_model_name_or_path)");
    ex->add_flag("--f16", f->f16, "gguf: F16 tensor data instead of F32");
    addDbOption(*ex, f->db);
    auto* im = cmd->add_subcommand("import", "Store a PEFT adapter folder in the library");
    im->add_option("dir", f->dir, "PEFT folder (adapter_config.json + adapter_model.safetensors)")->required();
    im->add_option("--name", f->name, "Name in the library (default: the folder's name)");
    im->add_option("--run", f->runId, "Link it to this run id");
    addDbOption(*im, f->db);
    ls->callback([&selected, f] { selected = [=] { return list(*f); }; });
    ex->callback([&selected, f] { selected = [=] { return exportAdapter(*f); }; });
    im->callback([&selected, f] { selected = [=] { return importAdapter(*f); }; });
    cmd->callback([&selected, cmd, f] {
        if (cmd->get_subcommands().empty())
            selected = [=] { return list(*f); };
    });
}

}  // namespace lora::cli
