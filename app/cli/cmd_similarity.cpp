// lora-cli similarity: the LoRA paper's subspace similarity φ(A₁, A₂, i, j) between two adapters on one module.
#include "commands.h"

#include "lora/analysis.h"
#include "lora/error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace lora::cli {
namespace {

struct SimilarityOptions {
    std::string model;
    std::vector<std::string> adapters;
    std::string module;
    bool json = false;
};

int similarity(const SimilarityOptions& o)
{
    if (o.adapters.size() != 2)
        throw Error("give exactly two adapters: --adapter A --adapter B");
    const auto model = Model::load(o.model);
    const auto first = Adapter::load(*model, o.adapters[0]);
    const auto second = Adapter::load(*model, o.adapters[1]);
    const auto phi = subspaceSimilarity(*first, *second, o.module);
    if (o.json) {
        std::vector<std::vector<double>> grid(phi.rows);
        for (int i = 1; i <= phi.rows; ++i)
            for (int j = 1; j <= phi.cols; ++j)
                grid[i - 1].push_back(phi.at(i, j));
        std::cout << nlohmann::json{{"module", phi.module}, {"rows", phi.rows}, {"cols", phi.cols}, {"phi", grid}}
                         .dump()
                  << "\n";
        return 0;
    }
    std::cout << "phi(A1, A2, i, j) on " << phi.module << ": rows i = top-i directions of " << o.adapters[0]
              << ", columns j = top-j of " << o.adapters[1] << " (1 = same subspace, 0 = orthogonal)\n";
    std::printf("%5s", "i\\j");
    for (int j = 1; j <= phi.cols; ++j)
        std::printf(" %6d", j);
    std::printf("\n");
    for (int i = 1; i <= phi.rows; ++i) {
        std::printf("%5d", i);
        for (int j = 1; j <= phi.cols; ++j)
            std::printf(" %6.3f", phi.at(i, j));
        std::printf("\n");
    }
    return 0;
}

}  // namespace

void addSimilarityCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("similarity",
                                   "Subspace similarity phi(A1, A2, i, j) of two adapters on one module (LoRA paper "
                                   "section 7)");
    auto o = std::make_shared<SimilarityOptions>();
    cmd->add_option("model", o->model, "Base Hugging Face model folder")->required();
    cmd->add_option("--adapter", o->adapters, "A PEFT adapter folder; give two")->required();
    cmd->add_option("--module", o->module, "Full module name, e.g. model.layers.0.self_attn.q_proj")->required();
    cmd->add_flag("--json", o->json, "Print the grid as JSON");
    cmd->callback([&selected, o] { selected = [o] { return similarity(*o); }; });
}

}  // namespace lora::cli
