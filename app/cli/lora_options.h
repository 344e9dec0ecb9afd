#pragma once
// The LoRA options shared by the subcommands that build or describe an adapter (plan, train).
#include "lora/lora_config.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace lora::cli {

struct LoraOptions {
    std::string targets = "q_proj,v_proj";  // comma list, "all-linear", or a regex with --target-regex
    bool targetIsRegex = false;
    std::string exclude;
    std::string layers;        // "0,1,5"
    std::string rankPattern;   // "q_proj=16,v_proj=4"
    std::string alphaPattern;
    std::string task = "CAUSAL_LM";
    LoraConfig config;

    // Turns the strings into config; throws lora::Error on malformed values.
    LoraConfig resolve() const;
};

void addLoraOptions(CLI::App& cmd, LoraOptions& options);

}  // namespace lora::cli
