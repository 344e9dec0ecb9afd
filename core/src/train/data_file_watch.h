#pragma once
// The data file as it was when a run read it. A run reads its whole dataset before the first step and trains on
// that snapshot, so an edit during training cannot corrupt it; but the run record names the file and a resume
// rereads it (and refuses a different data stream), so the user is told as soon as the file on disk is no longer
// the one the run is training on.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lora::train {

class DataFileWatch {
public:
    explicit DataFileWatch(std::filesystem::path file);  // stamps its size and modification time now

    // A warning the first time the file differs from its stamp (edited, replaced or deleted); nullopt otherwise.
    std::optional<std::string> changed();

private:
    struct Stamp {
        bool exists = false;
        std::uintmax_t size = 0;
        std::filesystem::file_time_type modified{};
        bool operator==(const Stamp&) const = default;
    };
    static Stamp stampOf(const std::filesystem::path& file);

    std::filesystem::path file_;
    Stamp stamp_;
    bool reported_ = false;
};

}  // namespace lora::train
