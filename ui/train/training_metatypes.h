#pragma once
// lora::TrainingResult crosses threads in queued signals (worker -> GUI); every header that names it in a
// signal includes this first, so moc and Qt see one declaration.
#include "lora/training.h"

#include <QMetaType>

Q_DECLARE_METATYPE(lora::TrainingResult)
