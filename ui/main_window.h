#pragma once
#include <QMainWindow>

class ModelPage;
class QMenu;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    ModelPage* modelPage() const { return modelPage_; }
    void openModelFolder(const QString& folder);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void chooseModelFolder();
    void rememberRecent(const QString& folder);
    void rebuildRecentMenu();

    ModelPage* modelPage_;
    QMenu* recentMenu_;
};
