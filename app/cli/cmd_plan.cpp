#include "commands.h"
#include "lora_options.h"

#include "lora/lora_targets.h"
#include "lora/model.h"

#include <iomanip>
#include <iostream>

namespace lora::cli {
namespace {

int plan(const std::string& dir, const LoraOptions& o, bool json)
{
    const auto model = Model::load(dir);
    const auto& d = model->description();
    const LoraConfig config = o.resolve();
    const auto targets = selectTargets(d, config);
    const auto budget = computeBudget(d, targets, config);
    if (json) {
        std::cout << "{\"trainable\": " << budget.trainable << ", \"total\": " << budget.total
                  << ", \"targets\": " << targets.size() << ", \"adapter_bytes\": " << budget.adapterBytes << "}\n";
        return 0;
    }
    std::cout << std::left << std::setw(48) << "module" << std::setw(8) << "shape" << "\n";
    for (const auto& t : targets)
        std::cout << std::left << std::setw(48) << t.name << t.outFeatures << "x" << t.inFeatures << "  r=" << t.rank
                  << "  scaling=" << t.scaling << "  params=" << t.loraParameters(config.useDora) << "\n";
    std::cout << "\nper layer:\n";
    for (const auto& [layer, n] : budget.perLayer)
        std::cout << "  " << (layer < 0 ? std::string("outside blocks") : "layer " + std::to_string(layer)) << ": " << n
                  << "\n";
    std::cout << "\nadapter size (float32 tensors): " << budget.adapterBytes << " bytes\n";
    std::cout << budget.peftSummary() << "\n";
    return 0;
}

}  // namespace

void addPlanCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("plan", "Show which modules a LoRA configuration adapts and what it costs "
                                           "(trainable parameters, % of the model, adapter size), before training");
    auto dir = std::make_shared<std::string>();
    auto o = std::make_shared<LoraOptions>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("model", *dir, "Hugging Face model folder")->required();
    addLoraOptions(*cmd, *o);
    cmd->add_flag("--json", *json, "Print the totals as one JSON line");
    cmd->callback([&selected, dir, o, json] { selected = [=] { return plan(*dir, *o, *json); }; });
}

}  // namespace lora::cli
