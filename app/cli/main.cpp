// lora-cli: the headless face of LoRA Studio — the same core and run database as the GUI.
#include "commands.h"

#include "lora/error.h"

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"LoRA Studio command line: inspect models, plan and train LoRA adapters, generate, export"};
    app.require_subcommand(1);
    lora::cli::Action selected;
    lora::cli::addDevicesCommand(app, selected);
    lora::cli::addInspectCommand(app, selected);
    lora::cli::addTokenizeCommand(app, selected);
    lora::cli::addLogitsCommand(app, selected);
    lora::cli::addPlanCommand(app, selected);
    lora::cli::addGenerateCommand(app, selected);
    lora::cli::addMergeCommand(app, selected);
    lora::cli::addExportCommand(app, selected);
    lora::cli::addTrainCommand(app, selected);
    lora::cli::addRunsCommand(app, selected);
    lora::cli::addAdaptersCommand(app, selected);
    lora::cli::addSweepCommand(app, selected);
    lora::cli::addAnalyzeCommand(app, selected);
    lora::cli::addSimilarityCommand(app, selected);
    lora::cli::addCombineCommand(app, selected);
    lora::cli::addCompareFullCommand(app, selected);
    lora::cli::addReportCommand(app, selected);
    CLI11_PARSE(app, argc, argv);
    try {
        return selected ? selected() : 0;
    } catch (const std::exception& e) {
        std::cerr << "lora-cli: error: " << e.what() << "\n";
        return 1;
    }
}
