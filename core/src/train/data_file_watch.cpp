#include "train/data_file_watch.h"

namespace lora::train {

DataFileWatch::DataFileWatch(std::filesystem::path file) : file_(std::move(file)), stamp_(stampOf(file_)) {}

DataFileWatch::Stamp DataFileWatch::stampOf(const std::filesystem::path& file)
{
    std::error_code ec;
    Stamp s;
    s.exists = std::filesystem::is_regular_file(file, ec);
    if (s.exists) {
        s.size = std::filesystem::file_size(file, ec);
        s.modified = std::filesystem::last_write_time(file, ec);
    }
    return s;
}

std::optional<std::string> DataFileWatch::changed()
{
    if (reported_ || file_.empty() || stampOf(file_) == stamp_)
        return std::nullopt;
    reported_ = true;
    return file_.string() + " changed on disk after this run read it; the run goes on with the data it read at the "
                            "start, but resuming it later needs the file as it was (a copy, or undo the edit)";
}

}  // namespace lora::train
