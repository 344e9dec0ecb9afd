// The Model page, driven as a user would: open a model folder, see its architecture; open a broken one, see
// why, and keep the model that was loaded. Loading happens off the GUI thread.
#include "model_page.h"

#include "lora/model.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

namespace {
const QString kModels = QStringLiteral(LORA_FIXTURES_DIR "/models");

QStringList treeNames(QTreeWidget* tree)
{
    QStringList names;
    for (QTreeWidgetItemIterator it(tree); *it; ++it)
        names << (*it)->text(0);
    return names;
}
}  // namespace

class TestModelPage final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsArchitecture()
    {
        ModelPage page;
        QSignalSpy loaded(&page, &ModelPage::modelLoaded);
        page.openFolder(kModels + "/gpt2");
        QVERIFY(page.isLoading() || loaded.count() == 1);
        QVERIFY(loaded.wait(30000));
        auto* tree = page.findChild<QTreeWidget*>();
        const QStringList names = treeNames(tree);
        QVERIFY(names.contains("transformer.h.0.attn.c_attn"));
        QVERIFY(names.contains("lm_head"));
        // Every module of core's description is shown, with its type and parameter count.
        const auto& d = page.loaded().model->description();
        QCOMPARE(names.size(), static_cast<int>(d.modules.size()));
        const auto items = tree->findItems("transformer.h.0.attn.c_attn", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first()->text(1), QString("Conv1D"));
        bool summaryHasTotal = false;
        for (auto* label : page.findChildren<QLabel*>())
            summaryHasTotal |= label->text().contains(QLocale().toString(static_cast<qlonglong>(d.totalParameters)));
        QVERIFY(summaryHasTotal);
    }

    void brokenFolderKeepsPreviousModel()
    {
        ModelPage page;
        QSignalSpy loaded(&page, &ModelPage::modelLoaded);
        QSignalSpy failed(&page, &ModelPage::loadFailed);
        page.openFolder(kModels + "/llama");
        QVERIFY(loaded.wait(30000));

        QTemporaryDir broken;
        QFile config(broken.filePath("config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{ not json");
        config.close();
        page.openFolder(broken.path());
        QVERIFY(failed.wait(30000));
        QVERIFY(failed.first().at(1).toString().contains("config.json"));
        QCOMPARE(page.folder(), kModels + "/llama");
        QVERIFY(page.loaded().model);
        bool errorShown = false;
        for (auto* label : page.findChildren<QLabel*>())
            errorShown |= label->text().contains("Could not load");
        QVERIFY(errorShown);
    }
};

QTEST_MAIN(TestModelPage)
#include "test_model_page.moc"
