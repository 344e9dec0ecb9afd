// lora-cli export: an adapter (a PEFT folder or a training checkpoint) checked against its base model and
// written in a format other tools load: a PEFT folder, or the base model with the adapter merged in.
#include "commands.h"

#include "lora/adapter.h"
#include "lora/model.h"

#include <iostream>

namespace lora::cli {
namespace {

struct ExportOptions {
    std::string model;
    std::string adapter;
    std::string out;
    std::string format = "peft";
};

int exportAdapter(const ExportOptions& o)
{
    const auto model = Model::load(o.model);
    // Loading checks every tensor's name and shape against this base, so a wrong base fails here, not in PEFT.
    const auto adapter = Adapter::load(*model, o.adapter);
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
                  "(Hugging Face PEFT) or a merged model folder (transformers)");
    auto o = std::make_shared<ExportOptions>();
    cmd->add_option("model", o->model, "Base Hugging Face model folder the adapter was trained on")->required();
    cmd->add_option("--adapter", o->adapter, "PEFT adapter folder, or a checkpoint folder OUT/checkpoints/step-N")
        ->required();
    cmd->add_option("--out", o->out, "Output folder (new or empty)")->required();
    cmd->add_option("--format", o->format, "peft (adapter_config.json + adapter_model.safetensors) or merged")
        ->check(CLI::IsMember({"peft", "merged"}))
        ->capture_default_str();
    cmd->callback([&selected, o] { selected = [o] { return exportAdapter(*o); }; });
}

}  // namespace lora::cli
