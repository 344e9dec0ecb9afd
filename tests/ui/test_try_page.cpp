// The Try it page: one prompt, the base model's and the adapter's continuations side by side, generated on a
// worker thread and streamed in; cancel stops before the next token; an adapter for another model is refused
// with its reason while the base model's answer still comes.
#include "tryit/try_page.h"

#include "data/message_banner.h"

#include "lora/adapter.h"
#include "lora/model.h"
#include "lora/tokenizer.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {
const std::string kModels = LORA_FIXTURES_DIR "/models";
}

class TestTryPage final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::shared_ptr<lora::Model> model_;
    std::shared_ptr<const lora::Tokenizer> tokenizer_;
    QString adapter_;

    static QString stats(const TryPage& page, const char* name) { return page.findChild<QLabel*>(name)->text(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
        model_ = lora::Model::load(kModels + "/llama_train");
        tokenizer_ = lora::Tokenizer::fromFile(kModels + "/llama_train/tokenizer.json");
        // A PEFT folder for this model, as the Train page or PEFT would leave it.
        lora::LoraConfig config;
        config.targetModules = {"q_proj", "v_proj"};
        auto adapter = lora::Adapter::create(*model_, config, 7);
        adapter_ = dir_.filePath("adapter");
        adapter->save(adapter_.toStdString());
    }

    void bothPanesFill()
    {
        TryPage page;
        page.setModel(model_, tokenizer_, "llama_train");
        page.setAdapterFolder(adapter_, "test");
        page.setPrompt("Once upon a time");
        page.setGreedy(true);
        page.setMaxNewTokens(12);
        QSignalSpy done(&page, &TryPage::generationFinished);
        page.generate();
        QVERIFY(page.isGenerating());  // generate() returned at once; the tokens come from the worker thread
        QVERIFY(done.wait(60000));
        QVERIFY(!page.baseText().isEmpty());
        QVERIFY(!page.adapterText().isEmpty());
        QVERIFY2(stats(page, "baseStats").contains(" tokens · "), qPrintable(stats(page, "baseStats")));
        QVERIFY2(stats(page, "adapterStats").contains(" tokens · "), qPrintable(stats(page, "adapterStats")));
        // B starts at zero: a fresh adapter changes nothing, so greedy decoding gives the same text.
        QCOMPARE(page.adapterText(), page.baseText());
        QVERIFY(!model_->adapter());  // the model is handed back without an adapter attached
    }

    void cancelStopsBeforeTheNextToken()
    {
        TryPage page;
        page.setModel(model_, tokenizer_, "llama_train");
        page.setAdapterFolder(adapter_, "test");
        page.setPrompt("Once upon a time");
        page.setMaxNewTokens(100);
        QSignalSpy done(&page, &TryPage::generationFinished);
        page.generate();
        // At once, while the base pane generates: the worker thread may already have produced a token or two (it
        // started with generate()), but it stops before the next one, and the adapter pane never starts.
        page.cancel();
        QVERIFY(done.wait(60000));
        const QString base = stats(page, "baseStats");
        QVERIFY2(base.contains("stopped by cancelled"), qPrintable(base));
        QVERIFY2(base.section(' ', 0, 0).toInt() < 100, qPrintable(base));
        QVERIFY(page.adapterText().isEmpty());
    }

    void adapterForAnotherModelIsRefused()
    {
        auto gpt2 = lora::Model::load(kModels + "/gpt2_train");
        lora::LoraConfig config;
        config.targetModules = {"c_attn"};
        const QString other = dir_.filePath("gpt2-adapter");
        lora::Adapter::create(*gpt2, config, 1)->save(other.toStdString());

        TryPage page;
        page.setModel(model_, tokenizer_, "llama_train");
        page.setAdapterFolder(other, "test");
        page.setPrompt("Once upon a time");
        page.setGreedy(true);
        page.setMaxNewTokens(6);
        QSignalSpy done(&page, &TryPage::generationFinished);
        page.generate();
        QVERIFY(done.wait(60000));
        QVERIFY(!page.baseText().isEmpty());
        QVERIFY(page.adapterText().isEmpty());
        auto* banner = page.findChild<MessageBanner*>("messageLabel");
        QVERIFY(banner->isError());
        QVERIFY2(banner->text().contains("The adapter could not be used"), qPrintable(banner->text()));

        // Still usable: without that adapter it generates again.
        page.setAdapterFolder({});
        page.generate();
        QVERIFY(done.wait(60000));
        QVERIFY(!page.baseText().isEmpty());
    }
};

QTEST_MAIN(TestTryPage)
#include "test_try_page.moc"
