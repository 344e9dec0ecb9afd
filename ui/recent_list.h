#pragma once
// The "recent" lists kept in QSettings (model folders, dataset files): newest first, no duplicates, bounded.
#include <QString>

// Moves `item` to the front of the QSettings list under `key`, keeping at most 8 entries.
void rememberRecentItem(const QString& key, const QString& item);
