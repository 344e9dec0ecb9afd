#pragma once
// The one owner of "the run database this session uses": the Runs page reads and edits it, and every training
// run (new or resumed) records into it. It starts as the file chosen last time (QSettings "runs/database"), else
// RunStore::defaultPath(); "Start a New Database" after a locked or corrupt file, or File → Open Run Database…,
// switch it for the rest of the session and for the next start. useDefault() goes back to the shared default.
#include <QObject>

#include <filesystem>

class QSettings;

class RunDatabase final : public QObject {
    Q_OBJECT
public:
    // The session's database as the last session left it.
    static std::filesystem::path rememberedPath();

    explicit RunDatabase(std::filesystem::path path, QObject* parent = nullptr);

    const std::filesystem::path& path() const { return path_; }
    bool isDefault() const;
    // Switches to `path` (remembered for the next start, unless it is the default); emits pathChanged when it differs.
    void setPath(const std::filesystem::path& path);
    void useDefault();

Q_SIGNALS:
    void pathChanged(const std::filesystem::path& path);

private:
    std::filesystem::path path_;
};
