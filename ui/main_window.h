#pragma once
#include <QMainWindow>

class AdapterPage;
class DataPage;
class ModelPage;
class QMenu;
class QTabWidget;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    ModelPage* modelPage() const { return modelPage_; }
    DataPage* dataPage() const { return dataPage_; }
    AdapterPage* adapterPage() const { return adapterPage_; }
    void openModelFolder(const QString& folder);
    void openDatasetFile(const QString& file);  // shows the Data tab

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void chooseModelFolder();
    void rememberRecent(const QString& folder);
    void rebuildRecentMenu();
    void onModelLoaded(const QString& folder);
    void restoreChoices();
    void rememberAdapterChoices();

    QTabWidget* tabs_;
    ModelPage* modelPage_;
    DataPage* dataPage_;
    AdapterPage* adapterPage_;
    QMenu* recentMenu_;
};
