#pragma once
// "1 run", "1,200 runs": an English count with its noun. Qt's tr("%n run(s)") needs a translation file to drop
// the "(s)", and the app ships none.
#include <QLocale>
#include <QString>

inline QString countOf(qint64 n, const QString& one, const QString& many)
{
    return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}
