#pragma once
// lora::TrainingResult crosses threads in queued signals (worker -> GUI); every header that names it in a
// signal includes this first, so moc and Qt see one declaration.
#include "lora/training.h"

#include <QMetaType>

#include <cstdint>
#include <filesystem>
#include <optional>

// Where a GUI run is recorded: the session's run database (RunDatabase), as a new row or into an existing one.
// With resume, the worker continues that recorded run from its last checkpoint: config and name come from the
// database, metrics go on in its row. Without it, an existing row (a sweep's queued cell) is trained as given.
struct RunRecording {
    std::filesystem::path database;  // empty: lora::RunStore::defaultPath()
    std::optional<int64_t> run;      // record into this existing row
    bool resume = false;             // `run` is a stopped/interrupted run to continue from its last checkpoint
};

Q_DECLARE_METATYPE(lora::TrainingResult)
