#include "data/bundled_datasets.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

QString bundledDatasetsFolder() { return QDir::cleanPath(QStringLiteral(LORA_SOURCE_DIR "/datasets")); }

QStringList findDatasetFiles(const QString& folder)
{
    QStringList files;
    QDirIterator it(folder, {"*.txt", "*.jsonl", "*.csv", "*.tsv"}, QDir::Files | QDir::Readable,
                    QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext())
        files << it.next();
    files.sort(Qt::CaseInsensitive);
    return files;
}

QString bundledDatasetTitle(const QString& file)
{
    QFile readme(QFileInfo(file).dir().filePath(QStringLiteral("README.md")));
    if (!readme.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QString first = QString::fromUtf8(readme.readLine(512)).trimmed();
    return first.startsWith('#') ? first.mid(first.indexOf(' ') + 1).trimmed() : QString();
}

QString bundledDatasetAbout(const QString& file)
{
    const QString name = QFileInfo(file).fileName().toHtmlEscaped();
    QFile readme(QFileInfo(file).dir().filePath(QStringLiteral("README.md")));
    if (!readme.open(QIODevice::ReadOnly | QIODevice::Text))
        return QStringLiteral("<b>%1</b>").arg(name);
    QString title;
    QStringList paragraph;
    int lines = 0;
    while (!readme.atEnd() && lines++ < 60) {
        const QString line = QString::fromUtf8(readme.readLine(4096)).trimmed();
        if (title.isEmpty() && line.startsWith('#')) {
            title = line.mid(line.indexOf(' ') + 1).trimmed();
        } else if (line.isEmpty() || line.startsWith("```") || line.startsWith('#') || line.startsWith('|')) {
            if (!paragraph.isEmpty())
                break;  // the first paragraph is enough for a side panel
        } else {
            paragraph << line;
        }
    }
    QString text = paragraph.join(' ').toHtmlEscaped();
    // The READMEs use **bold** and `code`; everything else stays plain text.
    text.replace(QRegularExpression(QStringLiteral("\\*\\*(.+?)\\*\\*")), QStringLiteral("<b>\\1</b>"));
    text.replace(QRegularExpression(QStringLiteral("`([^`]+)`")), QStringLiteral("<tt>\\1</tt>"));
    return QStringLiteral("<b>%1</b> — %2<br>%3").arg(name, title.toHtmlEscaped(), text);
}
