// lora-cli merge: a base model plus a PEFT adapter, written as one full Hugging Face model folder.
#include "commands.h"

#include "lora/adapter.h"
#include "lora/model.h"

#include <iostream>

namespace lora::cli {
namespace {

struct MergeOptions {
    std::string model;
    std::string adapter;
    std::string out;
};

int merge(const MergeOptions& o)
{
    // float32 whatever the checkpoint's dtype: the merge itself reads the checkpoint's tensors and rounds once.
    const auto model = Model::load(o.model);
    const auto adapter = Adapter::load(*model, o.adapter);
    adapter->saveMerged(o.out);
    std::cout << "merged " << adapter->targets().size() << " LoRA modules";
    if (const auto heads = adapter->modulesToSave(); !heads.empty())
        std::cout << " and " << heads.size() << " trained module(s)";
    std::cout << " into " << o.out << "\n";
    return 0;
}

}  // namespace

void addMergeCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("merge", "Merge a PEFT adapter into its base model and write a Hugging Face model folder");
    auto o = std::make_shared<MergeOptions>();
    cmd->add_option("model", o->model, "Base Hugging Face model folder")->required();
    cmd->add_option("--adapter", o->adapter, "PEFT adapter folder")->required();
    cmd->add_option("--out", o->out, "Output folder for the merged model (new or empty)")->required();
    cmd->callback([&selected, o] { selected = [o] { return merge(*o); }; });
}

}  // namespace lora::cli
