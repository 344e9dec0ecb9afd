#pragma once
// Each lora-cli subcommand lives in its own cmd_*.cpp and adds itself to the parser; when the user picks it,
// its action is stored in `selected` and run by main() after parsing.
#include <CLI/CLI.hpp>

#include <functional>

namespace lora::cli {

using Action = std::function<int()>;

void addDevicesCommand(CLI::App& app, Action& selected);
void addInspectCommand(CLI::App& app, Action& selected);
void addTokenizeCommand(CLI::App& app, Action& selected);
void addLogitsCommand(CLI::App& app, Action& selected);
void addPlanCommand(CLI::App& app, Action& selected);
void addGenerateCommand(CLI::App& app, Action& selected);
void addMergeCommand(CLI::App& app, Action& selected);
void addExportCommand(CLI::App& app, Action& selected);
void addTrainCommand(CLI::App& app, Action& selected);
void addRunsCommand(CLI::App& app, Action& selected);
void addAdaptersCommand(CLI::App& app, Action& selected);
void addSweepCommand(CLI::App& app, Action& selected);
void addAnalyzeCommand(CLI::App& app, Action& selected);
void addSimilarityCommand(CLI::App& app, Action& selected);
void addCombineCommand(CLI::App& app, Action& selected);
void addCompareFullCommand(CLI::App& app, Action& selected);
void addReportCommand(CLI::App& app, Action& selected);

}  // namespace lora::cli
