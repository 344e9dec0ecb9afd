#include "recent_list.h"

#include <QSettings>
#include <QStringList>

namespace {
constexpr int kMaxRecent = 8;
}

void rememberRecentItem(const QString& key, const QString& item)
{
    QSettings settings;
    QStringList recent = settings.value(key).toStringList();
    recent.removeAll(item);
    recent.prepend(item);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(key, recent);
}
