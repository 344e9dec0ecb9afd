// lora-cli analyze: the spectrum of every LoRA module's ΔW (effective rank, top-k energy, ‖ΔW‖/‖W‖), for one
// adapter or replayed over every checkpoint of a training run.
#include "commands.h"

#include "lora/analysis.h"
#include "lora/error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace lora::cli {
namespace {

struct AnalyzeOptions {
    std::string model;
    std::string adapter;
    std::string checkpoints;
    SpectrumOptions spectrum;
    bool json = false;
};

nlohmann::json toJson(const AdapterSpectra& s)
{
    nlohmann::json modules = nlohmann::json::array();
    for (const auto& m : s.modules)
        modules.push_back({{"module", m.module},
                           {"kind", m.kind},
                           {"layer", m.layer},
                           {"rank", m.rank},
                           {"scaling", m.scaling},
                           {"singular_values", m.singularValues},
                           {"effective_rank", m.effectiveRank},
                           {"threshold_rank", m.thresholdRank},
                           {"top_energy", m.topEnergy},
                           {"delta_norm", m.deltaNorm},
                           {"weight_norm", m.weightNorm},
                           {"relative_norm", m.relativeNorm}});
    nlohmann::json j = {{"source", s.source.string()},
                        {"top_k", s.options.topK},
                        {"rank_threshold", s.options.rankThreshold},
                        {"modules", modules}};
    if (s.step >= 0)
        j["step"] = s.step;
    if (!s.note.empty())
        j["note"] = s.note;
    return j;
}

void printTable(const AdapterSpectra& s)
{
    if (s.step >= 0)
        std::cout << "step " << s.step << "  (" << s.source.string() << ")\n";
    if (!s.note.empty())
        std::cout << "note: " << s.note << "\n";
    std::printf("%-44s %4s %8s %7s %9s %10s  %s\n", "module", "r", "eff.rank", "rank>t", "top-k E", "|dW|/|W|",
                "largest singular values");
    for (const auto& m : s.modules) {
        std::string sigma;
        for (size_t i = 0; i < m.singularValues.size() && i < 4; ++i) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%s%.4g", i ? " " : "", m.singularValues[i]);
            sigma += buf;
        }
        std::printf("%-44s %4d %8.3f %7d %9.4f %10.3e  %s\n", m.module.c_str(), m.rank, m.effectiveRank,
                    m.thresholdRank, m.topEnergy, m.relativeNorm, sigma.c_str());
    }
    std::printf("effective rank: exp(entropy of sigma/sum sigma) (Roy & Vetterli); rank>t: sigma > %g * sigma_1; "
                "top-k E: energy in the top %d singular value(s)\n",
                s.options.rankThreshold, s.options.topK);
}

int analyze(const AnalyzeOptions& o)
{
    if (o.adapter.empty() == o.checkpoints.empty())
        throw Error("give either --adapter DIR or --checkpoints RUN_OUT (not both)");
    const auto model = Model::load(o.model);
    std::vector<AdapterSpectra> all;
    if (!o.adapter.empty())
        all.push_back(analyzeAdapter(*Adapter::load(*model, o.adapter), o.spectrum));
    else
        all = analyzeCheckpoints(*model, o.checkpoints, o.spectrum);
    if (o.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& s : all)
            j.push_back(toJson(s));
        std::cout << (o.adapter.empty() ? j : j.front()).dump() << "\n";
        return 0;
    }
    for (const auto& s : all)
        printTable(s);
    return 0;
}

}  // namespace

void addAnalyzeCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand(
        "analyze", "Singular values of every LoRA module's update dW = s*B*A, its effective rank, top-k energy "
                   "and |dW|/|W| (exact, from the r x r core)");
    auto o = std::make_shared<AnalyzeOptions>();
    cmd->add_option("model", o->model, "Base Hugging Face model folder")->required();
    auto* adapter = cmd->add_option("--adapter", o->adapter, "PEFT adapter folder (or a checkpoint folder)");
    cmd->add_option("--checkpoints", o->checkpoints,
                    "A training run's output folder: analyse every checkpoints/step-N, oldest first")
        ->excludes(adapter);
    cmd->add_option("--top-k", o->spectrum.topK, "k of the top-k energy")->capture_default_str();
    cmd->add_option("--rank-threshold", o->spectrum.rankThreshold,
                    "Count singular values above this fraction of the largest")
        ->capture_default_str();
    cmd->add_flag("--json", o->json, "Print JSON (an object; an array of them with --checkpoints)");
    cmd->callback([&selected, o] { selected = [o] { return analyze(*o); }; });
}

}  // namespace lora::cli
