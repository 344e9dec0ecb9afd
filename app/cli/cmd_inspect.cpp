#include "commands.h"

#include "lora/model.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace lora::cli {
namespace {

std::string shapeText(const std::vector<int64_t>& shape)
{
    if (shape.empty())
        return "";
    std::ostringstream out;
    out << "[";
    for (size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << "]";
    return out.str();
}

int depthOf(const std::string& name) { return name.empty() ? 0 : int(std::count(name.begin(), name.end(), '.')) + 1; }

int inspect(const std::string& dir)
{
    const auto model = Model::load(dir);
    const auto& d = model->description();
    std::cout << d.architecture << " (" << d.modelType << ", " << d.task << ")\n";
    std::cout << "layers " << d.numLayers << ", hidden " << d.hiddenSize << ", vocabulary " << d.vocabSize;
    if (d.numLabels > 0)
        std::cout << ", labels " << d.numLabels;
    std::cout << (d.tiedEmbeddings ? ", tied embeddings" : "") << "\n\n";
    for (const auto& m : d.modules) {
        const std::string indent(2 * std::max(0, depthOf(m.name) - 1), ' ');
        std::cout << std::left << std::setw(56) << (indent + m.name) << std::setw(16) << m.type << std::setw(18)
                  << shapeText(m.weightShape);
        if (m.parameters > 0)
            std::cout << std::right << std::setw(12) << m.parameters;
        std::cout << "\n";
    }
    std::cout << "\ntotal parameters: " << d.totalParameters << "\n";
    return 0;
}

}  // namespace

void addInspectCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("inspect", "Print a model folder's architecture: every module with its HF name, "
                                              "type, shape and parameters, and the totals");
    auto dir = std::make_shared<std::string>();
    cmd->add_option("model", *dir, "Hugging Face model folder (config.json + *.safetensors)")->required();
    cmd->callback([&selected, dir] { selected = [dir] { return inspect(*dir); }; });
}

}  // namespace lora::cli
