#pragma once
// One or two sentences for each LoRA term, shown as tooltips on the Adapter page: the page teaches as it is used.
#include <QString>

namespace glossary {
QString rank();
QString alpha();
QString scaling();
QString dropout();
QString rslora();
QString dora();
QString init();
QString targetModules();
QString layers();
QString regex();
QString trainable();
QString adapterSize();
QString memory();
}  // namespace glossary
