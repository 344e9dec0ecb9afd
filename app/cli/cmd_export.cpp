// lora-cli export: an adapter (a PEFT folder or a training checkpoint) checked against its base model and
// written in a format other tools load: a PEFT folder, the base model with the adapter merged in, or a llama.cpp
// LoRA GGUF.
#include "commands.h"

#include "lora/adapter.h"
#include "lora/gguf_export.h"
#include "lora/model.h"

#include <iostream>

namespace lora::cli {
namespace {

struct ExportOptions {
    std::string model;
    std::string adapter;
    std::string out;
    std::string format = "peft";
    bool f16 = false;
};

int exportGgufFile(const Adapter& adapter, const ExportOptions& o)
{
    const auto s = exportGguf(adapter, o.out, {.f16 = o.f16});
    std::cout << "exported " << s.pairs << " LoRA pairs (" << s.architecture << ", alpha " << s.alpha
              << (s.rescaledPairs ? ", " + std::to_string(s.rescaledPairs) + " with their scale folded into lora_b"
                                  : std::string())
              << ") as a llama.cpp LoRA GGUF to " << o.out << "\n"
              << "load it with: llama-cli -m BASE.gguf --lora " << o.out << "\n";
    return 0;
}

int exportAdapter(const ExportOptions& o)
{
    const auto model = Model::load(o.model);
    // Loading checks every tensor's name and shape against this base, so a wrong base fails here, not in PEFT.
    const auto adapter = Adapter::load(*model, o.adapter);
    if (o.format == "gguf")
        return exportGgufFile(*adapter, o);
    if (o.format == "merged")
        adapter->saveMerged(o.out);
    else
        adapter->save(o.out);
    std::cout << "exported " << adapter->targets().size() << " LoRA modules (" << adapter->parameterCount()
              << " parameters) as " << (o.format == "merged" ? "a merged Hugging Face model" : "a PEFT adapter")
              << " to " << o.out << "\n";
    return 0;
}

}  // namespace

void addExportCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand(
        "export", "Write an adapter (PEFT folder or training checkpoint) for other tools: a PEFT adapter folder "
                  "(Hugging Face PEFT), a merged model folder (transformers) or a LoRA GGUF (llama.cpp)");
    auto o = std::make_shared<ExportOptions>();
    cmd->add_option("model", o->model, "Base Hugging Face model folder the adapter was trained on")->required();
    cmd->add_option("--adapter", o->adapter, "PEFT adapter folder, or a checkpoint folder OUT/checkpoints/step-N")
        ->required();
    cmd->add_option("--out", o->out, "Output folder (new or empty); for gguf, the .gguf file")->required();
    cmd->add_option("--format", o->format,
                    "peft (adapter_config.json + adapter_model.safetensors), merged, or gguf (a llama.cpp LoRA "
                    "adapter: llama-cli -m base.gguf --lora adapter.gguf)")
        ->check(CLI::IsMember({"peft", "merged", "gguf"}))
        ->capture_default_str();
    cmd->add_flag("--f16", o->f16, "gguf: F16 tensor data instead of F32");
    cmd->callback([&selected, o] { selected = [o] { return exportAdapter(*o); }; });
}

}  // namespace lora::cli
