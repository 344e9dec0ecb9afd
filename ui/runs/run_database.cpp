#include "runs/run_database.h"

#include "lora/run_store.h"

#include <QSettings>
#include <QString>

namespace {
constexpr auto kKey = "runs/database";

QString pathString(const std::filesystem::path& p) { return QString::fromStdU16String(p.u16string()); }
}  // namespace

std::filesystem::path RunDatabase::rememberedPath()
{
    const QString chosen = QSettings().value(kKey).toString();
    return chosen.isEmpty() ? lora::RunStore::defaultPath() : std::filesystem::path(chosen.toStdU16String());
}

RunDatabase::RunDatabase(std::filesystem::path path, QObject* parent) : QObject(parent), path_(std::move(path)) {}

bool RunDatabase::isDefault() const { return path_ == lora::RunStore::defaultPath(); }

void RunDatabase::setPath(const std::filesystem::path& path)
{
    QSettings settings;
    // The default stays unnamed in the settings, so LORA_STUDIO_DB (or a new data folder) still applies to it.
    if (path == lora::RunStore::defaultPath())
        settings.remove(kKey);
    else
        settings.setValue(kKey, pathString(path));
    if (path == path_)
        return;
    path_ = path;
    Q_EMIT pathChanged(path_);
}

void RunDatabase::useDefault() { setPath(lora::RunStore::defaultPath()); }
