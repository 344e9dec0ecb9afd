// The Try it page's "Export for llama.cpp…": the adapter shown on the page is written as a llama.cpp LoRA GGUF on
// a worker thread (the button is disabled meanwhile and with no adapter), a refused adapter (DoRA) shows its
// reason and leaves no file.
#include "tryit/try_page.h"

#include "lora/adapter.h"
#include "lora/model.h"

#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {
const std::string kModels = LORA_FIXTURES_DIR "/models";
}

class TestTryPageGguf final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::shared_ptr<lora::Model> model_;

    QString saveAdapter(const QString& name, bool dora)
    {
        lora::LoraConfig config;
        config.targetModules = {"q_proj", "v_proj"};
        config.useDora = dora;
        const QString folder = dir_.filePath(name);
        lora::Adapter::create(*model_, config, 7)->save(folder.toStdString());
        return folder;
    }

    static GgufExportResult exportAndWait(TryPage& page, const QString& file)
    {
        QSignalSpy done(&page, &TryPage::exportGgufFinished);
        page.exportGguf(file, false);
        // Not isExporting(): a refusal can finish on the worker before this line, its result still queued.
        if (done.isEmpty() && !done.wait(60000))
            return {file, {}, QStringLiteral("the export did not finish")};
        return done.takeFirst().at(0).value<GgufExportResult>();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
        qRegisterMetaType<GgufExportResult>();
        model_ = lora::Model::load(kModels + "/llama");
    }

    void exportsTheShownAdapter()
    {
        TryPage page;
        auto* button = page.findChild<QPushButton*>("exportGgufButton");
        QVERIFY(button);
        page.setModel(model_, nullptr, "llama");
        QVERIFY(!button->isEnabled());  // no adapter yet
        page.setAdapterFolder(saveAdapter("plain", false), "test");
        QVERIFY(button->isEnabled());
        const QString file = dir_.filePath("plain.gguf");
        const auto result = exportAndWait(page, file);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QVERIFY(result.summary.contains("4 LoRA pairs"));  // q and v in 2 layers
        QFile gguf(file);
        QVERIFY(gguf.open(QIODevice::ReadOnly));
        QCOMPARE(gguf.read(4), QByteArray("GGUF"));
        QVERIFY(button->isEnabled());
    }

    void refusedAdapterShowsWhy()
    {
        TryPage page;
        page.setModel(model_, nullptr, "llama");
        page.setAdapterFolder(saveAdapter("dora", true), "test");
        const QString file = dir_.filePath("dora.gguf");
        const auto result = exportAndWait(page, file);
        QVERIFY(result.error.contains("DoRA"));
        QVERIFY(result.error.contains(file));
        QVERIFY(!QFile::exists(file));
    }
};

QTEST_MAIN(TestTryPageGguf)
#include "test_try_page_gguf.moc"
