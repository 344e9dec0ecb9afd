// The Try-it page's adapter-scale slider: at 0 the adapter pane generates exactly the base model's text, at 2 a
// non-trivial adapter changes it; the value survives a restart.
#include "tryit/try_page.h"

#include "../core/adapter/adapter_test_support.h"
#include "lora/tokenizer.h"

#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

class TestAdapterScaleSlider final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::shared_ptr<lora::Model> model_;
    std::shared_ptr<const lora::Tokenizer> tokenizer_;
    QString adapter_;

    void generate(TryPage& page)
    {
        page.setModel(model_, tokenizer_, "llama_train");
        page.setAdapterFolder(adapter_, "test");
        page.setPrompt("Once upon a time");
        page.setGreedy(true);
        page.setMaxNewTokens(12);
        QSignalSpy done(&page, &TryPage::generationFinished);
        page.generate();
        QVERIFY(done.wait(60000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
        model_ = lora::Model::load(lora::test::fixtureModel("llama_train"));
        tokenizer_ = lora::Tokenizer::fromFile(lora::test::fixtureModel("llama_train") / "tokenizer.json");
        auto adapter = lora::Adapter::create(*model_, lora::test::loraConfig({"q_proj", "v_proj", "down_proj"}, 4), 7);
        lora::test::addNoise(*adapter, 7);
        adapter_ = dir_.filePath("adapter");
        adapter->save(adapter_.toStdString());
    }

    void scaleZeroIsTheBaseModel()
    {
        TryPage page;
        page.setAdapterScale(0.0);
        generate(page);
        QVERIFY(!page.baseText().isEmpty());
        QCOMPARE(page.adapterText(), page.baseText());
        QCOMPARE(model_->adapterScale(), 1.0);  // the model is handed back unscaled
    }

    void scaleTwoChangesTheText()
    {
        TryPage page;
        page.setAdapterScale(2.0);
        generate(page);
        QVERIFY(page.adapterText() != page.baseText());
    }

    void valueSurvivesRestart()
    {
        {
            TryPage page;
            page.setAdapterScale(0.35);
        }
        TryPage again;
        QCOMPARE(again.findChild<QSlider*>("adapterScale")->value(), 7);  // 0.35 in steps of 0.05
    }
};

QTEST_MAIN(TestAdapterScaleSlider)
#include "test_adapter_scale_slider.moc"
