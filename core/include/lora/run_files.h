#pragma once
// Deleting a run's files. The output folder comes from the run database, which may have been copied from
// elsewhere, and a user may have pointed a run at a folder that already held their own work; so only what the
// trainer writes is removed, and the folder itself only when nothing else is left in it.
#include <filesystem>
#include <vector>

namespace lora {

struct RunFilesRemoval {
    int removed = 0;                               // files and folders the run wrote, now deleted
    bool folderRemoved = false;                    // the output folder was left empty and is gone too
    std::vector<std::filesystem::path> leftAlone;  // what was in the folder that a run does not write
};

// Removes checkpoints/step-N/, initial_adapter/, the adapter or full-model weights and metrics.jsonl from
// outputDir; never follows a symbolic link out of it. A missing folder removes nothing. Throws lora::Error naming
// the path when a file that should go cannot be deleted.
RunFilesRemoval removeRunFiles(const std::filesystem::path& outputDir);

}  // namespace lora
