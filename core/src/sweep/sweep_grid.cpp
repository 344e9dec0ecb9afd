// A sweep's grid: its axes, their JSON, their expansion into cells, and the sweep file.
#include "lora/sweep.h"

#include "lora/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace lora {
namespace {

using json = nlohmann::json;

int parseLayer(const std::string& text, const std::string& whole)
{
    // Digits only: the text becomes part of each cell's folder name (SweepCell::folderName), so no spaces, signs
    // or separators get through stoi's leniency.
    int value = -1;
    if (!text.empty() && text.size() <= 6 && text.find_first_not_of("0123456789") == std::string::npos)
        value = std::stoi(text);
    if (value < 0)
        throw Error("layer range '" + whole + "': expected all, N or A-B with layer numbers from 0");
    return value;
}

template <class T>
void checkAxis(const std::vector<T>& values, const char* axis)
{
    if (values.empty())
        throw Error(std::string("sweep grid: ") + axis + " is empty (give at least one value)");
    for (size_t i = 0; i < values.size(); ++i)
        for (size_t j = i + 1; j < values.size(); ++j)
            if (values[i] == values[j])
                throw Error(std::string("sweep grid: ") + axis + " repeats a value (each cell would run twice)");
}

}  // namespace

LayerRange parseLayerRange(const std::string& text)
{
    LayerRange range{text, {}};
    if (text == "all")
        return range;
    const auto dash = text.find('-');
    const int first = parseLayer(text.substr(0, dash), text);
    const int last = dash == std::string::npos ? first : parseLayer(text.substr(dash + 1), text);
    if (last < first)
        throw Error("layer range '" + text + "': the first layer is after the last");
    for (int l = first; l <= last; ++l)
        range.layers.push_back(l);
    return range;
}

std::string sweepGridToJson(const SweepGrid& grid)
{
    json j;
    j["ranks"] = grid.ranks;
    j["target_presets"] = json::array();
    for (auto p : grid.presets)
        j["target_presets"].push_back(targetPresetId(p));
    j["layers"] = json::array();
    for (const auto& l : grid.layerRanges)
        j["layers"].push_back(l.text);
    j["seeds"] = grid.seeds;
    return j.dump();
}

SweepGrid sweepGridFromJson(const std::string& text, const std::filesystem::path& file)
{
    const auto j = json::parse(text, nullptr, false);
    if (!j.is_object())
        throwFileError(file, "the sweep grid is not a JSON object");
    for (const auto& [key, value] : j.items())
        if (key != "ranks" && key != "target_presets" && key != "layers" && key != "seeds")
            throwFileError(file, "unknown sweep grid key '" + key + "' (expected ranks, target_presets, layers, seeds)");
    SweepGrid grid;
    try {
        grid.ranks = j.value("ranks", std::vector<int>{});
        for (const auto& id : j.value("target_presets", std::vector<std::string>{})) {
            const auto preset = parseTargetPreset(id);
            if (!preset)
                throwFileError(file, "target preset '" + id + "' is unknown (expected qv, attention, mlp, all-linear)");
            grid.presets.push_back(*preset);
        }
        for (const auto& text : j.value("layers", std::vector<std::string>{}))
            grid.layerRanges.push_back(parseLayerRange(text));
        grid.seeds = j.value("seeds", std::vector<uint64_t>{});
    } catch (const json::exception& e) {
        throwFileError(file, std::string("the sweep grid has a value of the wrong type: ") + e.what());
    } catch (const Error& e) {
        if (std::string(e.what()).rfind(file.string() + ":", 0) == 0)
            throw;
        throwFileError(file, e.what());
    }
    try {
        checkSweepGrid(grid);
    } catch (const Error& e) {
        throwFileError(file, e.what());
    }
    return grid;
}

void checkSweepGrid(const SweepGrid& grid)
{
    checkAxis(grid.ranks, "ranks");
    checkAxis(grid.presets, "target_presets");
    std::vector<std::string> layers;
    for (const auto& l : grid.layerRanges)
        layers.push_back(l.text);
    checkAxis(layers, "layers");
    checkAxis(grid.seeds, "seeds");
    for (int r : grid.ranks)
        if (r < 1)
            throw Error("sweep grid: rank " + std::to_string(r) + " is not a rank (ranks are 1 or more)");
}

std::string SweepCell::label() const
{
    return "r" + std::to_string(rank) + " " + targetPresetId(preset) + " layers " + layers.text + " seed " +
           std::to_string(seed);
}

std::string SweepCell::folderName() const
{
    char index[16];
    std::snprintf(index, sizeof index, "%02lld", static_cast<long long>(this->index));
    return std::string(index) + "-r" + std::to_string(rank) + "-" + targetPresetId(preset) + "-L" + layers.text +
           "-s" + std::to_string(seed);
}

std::vector<SweepCell> expandSweepGrid(const SweepGrid& grid)
{
    std::vector<SweepCell> cells;
    for (int rank : grid.ranks)
        for (auto preset : grid.presets)
            for (const auto& layers : grid.layerRanges)
                for (uint64_t seed : grid.seeds)
                    cells.push_back({static_cast<int64_t>(cells.size()), rank, preset, layers, seed});
    return cells;
}

std::string sweepSpecToJson(const SweepSpec& spec)
{
    json j;
    j["name"] = spec.name;
    j["grid"] = json::parse(sweepGridToJson(spec.grid));
    j["base"] = json::parse(trainingConfigToJson(spec.base));
    return j.dump(2) + "\n";
}

SweepSpec readSweepSpec(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throwFileError(file, "cannot be read (a sweep file: {\"name\", \"grid\", \"base\"})");
    std::stringstream text;
    text << in.rdbuf();
    const auto j = json::parse(text.str(), nullptr, false);
    if (!j.is_object())
        throwFileError(file, "is not a JSON object (a sweep file: {\"name\", \"grid\", \"base\"})");
    for (const auto& [key, value] : j.items())
        if (key != "name" && key != "grid" && key != "base")
            throwFileError(file, "unknown key '" + key + "' (expected name, grid, base)");
    if (!j.contains("grid") || !j["grid"].is_object())
        throwFileError(file, "has no \"grid\" object (ranks, target_presets, layers, seeds)");
    if (!j.contains("base") || !j["base"].is_object())
        throwFileError(file, "has no \"base\" object (the run file every cell starts from)");
    if (j.contains("name") && !j["name"].is_string())
        throwFileError(file, "\"name\" is not a string");
    SweepSpec spec;
    spec.name = j.value("name", std::string());
    spec.grid = sweepGridFromJson(j["grid"].dump(), file);
    spec.base = trainingConfigFromJson(j["base"].dump(), file);
    return spec;
}

}  // namespace lora
