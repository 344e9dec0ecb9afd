#include "inspect/inspect_tasks.h"

#include "lora/adapter.h"
#include "lora/device.h"
#include "lora/model.h"

#include <filesystem>
#include <stdexcept>

namespace {

std::filesystem::path pathOf(const QString& folder) { return std::filesystem::path(folder.toStdU16String()); }

// A folder with checkpoints/ (or step-N folders) and no adapter_config.json of its own is a run to replay.
bool isRun(const std::filesystem::path& dir)
{
    std::error_code ec;
    if (std::filesystem::exists(dir / "adapter_config.json", ec) || std::filesystem::exists(dir / "adapter", ec))
        return false;
    try {
        return !lora::listCheckpoints(dir).empty();
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

SpectraOutcome computeSpectra(std::shared_ptr<lora::Model> model, QString folder, lora::SpectrumOptions options)
{
    SpectraOutcome out;
    out.folder = folder;
    try {
        lora::setComputeThreads(0);  // a pool thread is new to torch: initialise its intra-op threads
        if (!model)
            throw std::runtime_error("Load the base model first (Model tab): the adapter is analysed on it.");
        const auto dir = pathOf(folder);
        out.replay = isRun(dir);
        if (out.replay) {
            for (const auto& c : lora::listCheckpoints(dir))
                out.frameFolders.push_back(QString::fromStdU16String(c.path.u16string()));
            out.frames = lora::analyzeCheckpoints(*model, dir, options);
        } else {
            out.frames.push_back(lora::analyzeAdapter(*lora::Adapter::load(*model, dir), options));
            out.frameFolders.push_back(folder);
        }
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
        out.frames.clear();
    }
    return out;
}

MatricesOutcome computeMatrices(std::shared_ptr<lora::Model> model, QString folder, QString module, int maxSide)
{
    MatricesOutcome out;
    out.module = module;
    try {
        lora::setComputeThreads(0);
        const auto adapter = lora::Adapter::load(*model, pathOf(folder));
        for (const auto& t : adapter->targets())
            if (t.name == module.toStdString())
                out.rank = t.rank;
        out.matrices = lora::moduleMatrices(*adapter, module.toStdString(), maxSide);
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    return out;
}

SimilarityOutcome computeSimilarity(std::shared_ptr<lora::Model> model, QString first, QString second,
                                    QString module)
{
    SimilarityOutcome out;
    try {
        lora::setComputeThreads(0);
        if (!model)
            throw std::runtime_error("Load the base model first (Model tab).");
        const auto a = lora::Adapter::load(*model, pathOf(first));
        const auto b = lora::Adapter::load(*model, pathOf(second));
        for (const auto& name : lora::commonModules(*a, *b))
            out.commonModules << QString::fromStdString(name);
        if (out.commonModules.isEmpty())
            throw std::runtime_error("The two adapters adapt no module in common, so there is no subspace to compare.");
        if (module.isEmpty() || !out.commonModules.contains(module))
            module = out.commonModules.front();
        out.phi = lora::subspaceSimilarity(*a, *b, module.toStdString());
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    return out;
}
