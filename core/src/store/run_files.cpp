#include "lora/run_files.h"

#include "lora/error.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace lora {
namespace fs = std::filesystem;
namespace {

// What the trainer writes (core/src/train: trainer.cpp, checkpoint.cpp, full_model_folder.cpp).
constexpr std::array<std::string_view, 4> kRunFiles = {"adapter_config.json", "adapter_model.safetensors",
                                                      "model.safetensors", "metrics.jsonl"};
constexpr std::array<std::string_view, 2> kAdapterFiles = {"adapter_config.json", "adapter_model.safetensors"};

template <size_t N>
bool named(const fs::path& p, const std::array<std::string_view, N>& names)
{
    return std::find(names.begin(), names.end(), p.filename().string()) != names.end();
}

bool isCheckpointFolder(const fs::path& p)
{
    const auto name = p.filename().string();
    return name.size() > 5 && name.rfind("step-", 0) == 0 &&
           name.find_first_not_of("0123456789", 5) == std::string::npos && !fs::is_symlink(p) && fs::is_directory(p);
}

// A folder of our own: a real directory, not a link that could lead anywhere.
bool isRealFolder(const fs::path& p)
{
    std::error_code ec;
    return !fs::is_symlink(p, ec) && fs::is_directory(p, ec);
}

std::vector<fs::path> entriesOf(const fs::path& dir)
{
    std::error_code ec;
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(dir, ec))
        entries.push_back(e.path());
    if (ec)
        throwFileError(dir, "cannot be listed: " + ec.message());
    std::sort(entries.begin(), entries.end());
    return entries;
}

class Removal {
public:
    // Deletes p: a file or link as itself, a checkpoint folder with its contents (remove_all never follows links).
    void remove(const fs::path& p, bool withContents)
    {
        std::error_code ec;
        withContents ? fs::remove_all(p, ec) : fs::remove(p, ec);
        if (ec)
            throwFileError(p, "cannot be deleted: " + ec.message() + " — check its permissions");
        ++result.removed;
    }

    void keep(const fs::path& p) { result.leftAlone.push_back(p); }

    void removeIfEmpty(const fs::path& dir)
    {
        std::error_code ec;
        if (isRealFolder(dir) && fs::is_empty(dir, ec))
            remove(dir, false);
    }

    RunFilesRemoval result;
};

}  // namespace

RunFilesRemoval removeRunFiles(const fs::path& outputDir)
{
    Removal r;
    if (outputDir.empty() || !isRealFolder(outputDir))
        return r.result;
    const auto checkpoints = outputDir / "checkpoints";
    const auto initial = outputDir / "initial_adapter";

    if (isRealFolder(checkpoints))
        for (const auto& p : entriesOf(checkpoints))
            isCheckpointFolder(p) ? r.remove(p, true) : r.keep(p);
    r.removeIfEmpty(checkpoints);

    if (isRealFolder(initial))
        for (const auto& p : entriesOf(initial))
            named(p, kAdapterFiles) && !fs::is_directory(p) ? r.remove(p, false) : r.keep(p);
    r.removeIfEmpty(initial);

    for (const auto& p : entriesOf(outputDir)) {
        if ((p == checkpoints || p == initial) && isRealFolder(p))
            continue;  // what stayed inside was reported above
        named(p, kRunFiles) && !fs::is_directory(p) ? r.remove(p, false) : r.keep(p);
    }
    r.removeIfEmpty(outputDir);
    r.result.folderRemoved = !fs::exists(fs::symlink_status(outputDir));
    return r.result;
}

}  // namespace lora
