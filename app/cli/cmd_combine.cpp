// lora-cli combine: a weighted combination of adapters (PEFT's add_weighted_adapter) saved as a new PEFT folder.
#include "commands.h"

#include "lora/analysis.h"
#include "lora/error.h"

#include <iostream>

namespace lora::cli {
namespace {

struct CombineOptions {
    std::string model;
    std::vector<std::string> adapters;  // DIR:WEIGHT
    std::string method = "svd";
    int rank = 0;
    std::string out;
};

// "DIR:0.5" -> (DIR, 0.5); "DIR" -> (DIR, 1). The weight is after the last ':' so paths may hold colons.
std::pair<std::string, double> splitWeighted(const std::string& arg)
{
    const auto colon = arg.rfind(':');
    if (colon == std::string::npos)
        return {arg, 1.0};
    const auto number = arg.substr(colon + 1);
    try {
        size_t used = 0;
        const double weight = std::stod(number, &used);
        if (used == number.size())
            return {arg.substr(0, colon), weight};
    } catch (const std::exception&) {
    }
    throw Error("--adapter " + arg + ": the weight after ':' is not a number (write DIR:0.5)");
}

int combine(const CombineOptions& o)
{
    const auto method = combineMethodFromName(o.method);
    const auto model = Model::load(o.model);
    std::vector<WeightedAdapter> inputs;
    for (const auto& arg : o.adapters) {
        const auto [dir, weight] = splitWeighted(arg);
        inputs.push_back({Adapter::load(*model, dir), weight});
    }
    const auto result = combineAdapters(*model, inputs, method, o.rank, o.out);
    std::cout << "combined " << inputs.size() << " adapter(s) with " << o.method << " into " << o.out << ": "
              << result.modules << " modules, rank " << result.rank << "\n";
    return 0;
}

}  // namespace

void addCombineCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("combine",
                                   "Combine weighted adapters into a new PEFT adapter, as PEFT's add_weighted_adapter");
    auto o = std::make_shared<CombineOptions>();
    cmd->add_option("model", o->model, "Base Hugging Face model folder the adapters were trained on")->required();
    cmd->add_option("--adapter", o->adapters, "DIR:WEIGHT (weight 1 when omitted); repeat for each adapter")
        ->required();
    cmd->add_option("--method", o->method,
                    "linear (equal ranks; A and B each weighted by sqrt(w*s)), cat (exact, rank = sum of ranks), "
                    "svd (best rank-r approximation of the weighted sum)")
        ->check(CLI::IsMember({"linear", "cat", "svd"}))
        ->capture_default_str();
    cmd->add_option("--rank", o->rank, "Target rank for svd (0: the largest input rank)")->capture_default_str();
    cmd->add_option("--out", o->out, "Output folder for the new adapter")->required();
    cmd->callback([&selected, o] { selected = [o] { return combine(*o); }; });
}

}  // namespace lora::cli
