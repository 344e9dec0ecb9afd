// Spectra replayed over training: every checkpoint's adapter/ folder analysed in step order.
#include "lora/analysis.h"
#include "lora/error.h"

#include <algorithm>

namespace lora {
namespace {

// "step-000120" -> 120; -1 for any other name.
int64_t stepOf(const std::string& name)
{
    const std::string prefix = "step-";
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size())
        return -1;
    int64_t step = 0;
    for (size_t i = prefix.size(); i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        step = step * 10 + (name[i] - '0');
    }
    return step;
}

}  // namespace

std::vector<CheckpointFolder> listCheckpoints(const std::filesystem::path& runOut)
{
    std::error_code ec;
    const auto dir = std::filesystem::is_directory(runOut / "checkpoints", ec) ? runOut / "checkpoints" : runOut;
    if (!std::filesystem::is_directory(dir, ec))
        throwFileError(runOut, "not found or not a folder; expected a training run's output folder");
    std::vector<CheckpointFolder> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto step = stepOf(entry.path().filename().string());
        if (step >= 0 && entry.is_directory())
            out.push_back({step, entry.path()});
    }
    if (out.empty())
        throwFileError(dir, "holds no checkpoints (step-N folders); train with save_steps > 0 to keep them");
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
    return out;
}

std::vector<AdapterSpectra> analyzeCheckpoints(Model& model, const std::filesystem::path& runOut,
                                               const SpectrumOptions& options,
                                               const std::function<bool(int, int)>& onProgress)
{
    const auto checkpoints = listCheckpoints(runOut);
    std::vector<AdapterSpectra> out;
    for (const auto& checkpoint : checkpoints) {
        auto spectra = analyzeAdapter(*Adapter::load(model, checkpoint.path), options);
        spectra.step = checkpoint.step;
        out.push_back(std::move(spectra));
        if (onProgress && !onProgress(static_cast<int>(out.size()), static_cast<int>(checkpoints.size())))
            break;
    }
    return out;
}

}  // namespace lora
