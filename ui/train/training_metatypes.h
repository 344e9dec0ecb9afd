#pragma once
// lora::TrainingResult crosses threads in queued signals (worker -> GUI); every header that names it in a
// signal includes this first, so moc and Qt see one declaration.
#include "lora/training.h"

#include <QMetaType>

#include <cstdint>
#include <filesystem>
#include <optional>

// Where a GUI run is recorded: the session's run database (RunDatabase). With resumeRun, the worker continues
// that recorded run from its last checkpoint: config and name come from the database, metrics go on in its row.
struct RunRecording {
    std::filesystem::path database;  // empty: lora::RunStore::defaultPath()
    std::optional<int64_t> resumeRun;
};

Q_DECLARE_METATYPE(lora::TrainingResult)
