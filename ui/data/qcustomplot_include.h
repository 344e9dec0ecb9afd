#pragma once
// qcustomplot.h is written with Qt's `signals` and `foreach` keywords, which lora_ui switches off
// (QT_NO_KEYWORDS, so they cannot clash with other libraries' identifiers). Lend them back for that one
// header and take them away again; every other file keeps using Q_SIGNALS/Q_EMIT.
#include <QtGlobal>

#ifndef signals
#define signals Q_SIGNALS
#define LORA_LENT_SIGNALS
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define LORA_LENT_FOREACH
#endif

#include <qcustomplot.h>

#ifdef LORA_LENT_SIGNALS
#undef signals
#undef LORA_LENT_SIGNALS
#endif
#ifdef LORA_LENT_FOREACH
#undef foreach
#undef LORA_LENT_FOREACH
#endif
