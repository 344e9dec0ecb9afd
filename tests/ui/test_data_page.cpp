// The Data page against core's own reading of the same file: counts, histogram, split and the loss mask in the
// preview must be exactly what lora::loadDataset says; bad rows and unreadable files are reported in the page.
#include "data/bundled_datasets.h"
#include "data/data_page.h"
#include "data/length_histogram.h"
#include "data/message_banner.h"
#include "data/token_html.h"

#include "lora/dataset.h"
#include "lora/tokenizer.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

namespace {

QString count(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

const QByteArray kRows[] = {
    R"({"instruction": "Translate to French.", "input": "Good morning", "output": "Bonjour"})",
    R"({"instruction": "Name a primary colour.", "output": "Red, blue or yellow."})",
    R"({"instruction": "Add the numbers.", "input": "2 and 3", "output": "2 + 3 = 5"})",
    R"({"instruction": "Say hello.", "output": "Hello! How can I help you today?"})",
    R"({"instruction": "Spell cat backwards.", "output": "tac"})",
};

}  // namespace

class TestDataPage final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::shared_ptr<const lora::Tokenizer> tokenizer_;

    QString write(const QString& name, const QByteArray& content)
    {
        QFile f(dir_.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(content);
        return f.fileName();
    }

    static QString shown(const DataPage& page, const char* name)
    {
        auto* label = page.findChild<QLabel*>(name);
        return label ? label->text() : QStringLiteral("<no label %1>").arg(name);
    }

    static bool waitLoaded(DataPage& page, QSignalSpy& spy)
    {
        return spy.count() > 0 || spy.wait(30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        // Recent files go to QSettings: keep them out of the user's configuration.
        qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
        QCoreApplication::setOrganizationName("LoRA Studio Tests");
        tokenizer_ = lora::Tokenizer::fromFile(LORA_FIXTURES_DIR "/tokenizers/gpt2_bytelevel/tokenizer.json");
    }

    void withoutModelItSaysSo()
    {
        DataPage page;
        auto* banner = page.findChild<MessageBanner*>("messageLabel");
        QVERIFY(banner->text().contains("Load a model first: the dataset is tokenised with the model's tokenizer"));

        // A file chosen before the model waits for it, then loads.
        QByteArray jsonl;
        for (const auto& row : kRows)
            jsonl += row + "\n";
        const QString file = write("early.jsonl", jsonl);
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        page.openFile(file);
        QVERIFY(!page.isLoading());
        QVERIFY(banner->text().contains("Load a model first"));
        page.setTokenizer(tokenizer_, "some/model");
        QVERIFY(waitLoaded(page, loaded));
        QCOMPARE(shown(page, "examplesValue"), count(5));

        // A model folder without tokenizer.json is named as the reason.
        page.setTokenizer(nullptr, "/models/no-tokenizer");
        QVERIFY(banner->isError());
        QVERIFY(banner->text().contains("no tokenizer.json"));
        QVERIFY(!page.dataset());
    }

    void jsonlCountsMatchCore()
    {
        QByteArray jsonl;
        for (const auto& row : kRows)
            jsonl += row + "\n";
        const QString file = write("alpaca.jsonl", jsonl);

        DataPage page;
        page.setTokenizer(tokenizer_, "fixture");
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        page.openFile(file);
        QVERIFY(page.isLoading() || loaded.count() == 1);  // tokenised off the GUI thread
        QVERIFY(waitLoaded(page, loaded));

        const auto expected = lora::loadDataset(file.toStdString(), *tokenizer_, page.options());
        const auto stats = lora::computeStats(expected.examples, DatasetLoadJob::kHistogramBins);
        QCOMPARE(expected.format, lora::DatasetFormat::Jsonl);
        QCOMPARE(shown(page, "examplesValue"), count(stats.examples));
        QCOMPARE(shown(page, "tokensValue"), count(stats.totalTokens));
        QCOMPARE(shown(page, "lossTokensValue"), count(stats.lossTokens));
        QCOMPARE(shown(page, "truncatedValue"), count(stats.truncated));
        QVERIFY(stats.lossTokens > 0 && stats.lossTokens < stats.totalTokens);  // prompts are masked
        QVERIFY(page.findChild<QComboBox*>("formatCombo")->itemText(0).contains("JSONL"));
        QVERIFY(shown(page, "fileLabel").contains("alpaca.jsonl"));

        const auto split = lora::splitTrainValidation(expected.examples.size(), page.validationFraction(), page.splitSeed());
        QCOMPARE(shown(page, "trainValue"), count(int64_t(split.train.size())));
        QCOMPARE(shown(page, "validationValue"), count(int64_t(split.validation.size())));
        QCOMPARE(page.split().validation, split.validation);

        // The histogram has a bar per non-empty bin of core's statistics, counting every example.
        auto* bars = page.findChild<LengthHistogram*>("lengthHistogram")->bars();
        QCOMPARE(bars->data()->size(), int(stats.histogram.size()));
        QVERIFY(bars->data()->size() > 0);
        double total = 0;
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
            total += it->value;
        QCOMPARE(total, double(stats.examples));

        // The preview shows example 1's tokens with exactly the learned ones on the highlight shades.
        auto* list = page.findChild<QListWidget*>("exampleList");
        QCOMPARE(list->count(), 5);
        QCOMPARE(list->currentRow(), 0);
        const auto& first = expected.examples[0];
        const int learned = int(std::count_if(first.labels.begin(), first.labels.end(),
                                              [](int32_t l) { return l != lora::kIgnoreIndex; }));
        const QString html = page.findChild<QTextBrowser*>("tokenView")->toHtml();
        const TokenColors colors = tokenColors(page.palette());
        const int highlighted = int(html.count(colors.learned[0].name()) + html.count(colors.learned[1].name()));
        QCOMPARE(highlighted, learned);
        const int context = int(html.count(colors.context[0].name()) + html.count(colors.context[1].name()));
        QCOMPARE(context, int(first.inputIds.size()) - learned);
        const QString text = page.findChild<QTextBrowser*>("tokenView")->toPlainText();
        QVERIFY2(text.contains("Bonjour") && text.contains("### Response:"), qPrintable(text));

        // Changing the split re-splits without reloading.
        page.findChild<QDoubleSpinBox*>("validationSpin")->setValue(0.4);
        QCOMPARE(shown(page, "validationValue"), count(2));
        QVERIFY(!page.isLoading());
    }

    void skippedBadRowIsListed()
    {
        const QString file = write("bad.jsonl", kRows[0] + "\n" + kRows[1] + "\n{\"instruction\": \"oops\"\n" +
                                                    kRows[3] + "\n");
        DataPage page;
        page.setTokenizer(tokenizer_);
        page.setBadRowPolicy(lora::BadRowPolicy::Skip);
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        page.openFile(file);
        QVERIFY(waitLoaded(page, loaded));
        QCOMPARE(shown(page, "examplesValue"), count(3));
        auto* table = page.findChild<QTableWidget*>("badRowTable");
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QString("3"));
        QVERIFY(!table->item(0, 1)->text().isEmpty());
        QCOMPARE(page.findChild<QTabWidget*>("resultTabs")->tabText(1), QString("Bad rows (1)"));
    }

    void failPolicyNamesFileAndLineAndPageStaysUsable()
    {
        const QString file = write("stop.jsonl", kRows[0] + "\n" + kRows[1] + "\n{\"instruction\": \"oops\"\n" +
                                                     kRows[3] + "\n");
        DataPage page;
        page.setTokenizer(tokenizer_);
        page.setBadRowPolicy(lora::BadRowPolicy::Fail);
        QSignalSpy failed(&page, &DataPage::loadFailed);
        page.openFile(file);
        QVERIFY(failed.wait(30000));
        auto* banner = page.findChild<MessageBanner*>("messageLabel");
        QVERIFY(banner->isError());
        QVERIFY2(banner->text().contains("stop.jsonl:3:"), qPrintable(banner->text()));
        QVERIFY(!page.dataset());
        QCOMPARE(shown(page, "examplesValue"), QString("—"));

        // Switching the policy reloads the same file, skipping the row.
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        page.setBadRowPolicy(lora::BadRowPolicy::Skip);
        QVERIFY(waitLoaded(page, loaded));
        QVERIFY(!banner->isError());
        QCOMPARE(shown(page, "examplesValue"), count(3));
    }

    void invalidUtf8IsAnError()
    {
        const QString file = write("latin1.txt", QByteArray("caf\xe9 au lait\n\xff\xfe broken\n"));
        DataPage page;
        page.setTokenizer(tokenizer_);
        QSignalSpy failed(&page, &DataPage::loadFailed);
        page.openFile(file);
        QVERIFY(failed.wait(30000));
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains("latin1.txt") && message.contains("UTF-8"), qPrintable(message));
        QVERIFY(page.findChild<MessageBanner*>("messageLabel")->isError());
    }

    void bundledDatasetsAreListed()
    {
        DataPage page;
        const QStringList files = findDatasetFiles(bundledDatasetsFolder());
        QCOMPARE(page.findChild<QListWidget*>("bundledList")->count(), files.size());
        QTemporaryDir empty;
        QVERIFY(findDatasetFiles(empty.path() + "/missing").isEmpty());  // no folder: nothing, no error
        QVERIFY(QDir(empty.path()).mkpath("a/b"));
        for (const char* name : {"a/one.csv", "a/b/two.tsv", "a/b/three.jsonl", "four.txt", "notes.pdf"})
            QFile(empty.filePath(name)).open(QIODevice::WriteOnly);
        const QStringList found = findDatasetFiles(empty.path());
        QCOMPARE(found.size(), 4);  // recursive, datasets only
        QVERIFY(found.first().endsWith("a/b/three.jsonl"));  // sorted by path

        // The side panel describes a bundled dataset from its README's title and first paragraph.
        QFile readme(empty.filePath("a/README.md"));
        QVERIFY(readme.open(QIODevice::WriteOnly));
        readme.write("# one — a test set\n\n**Format.** CSV with `text` and\n`label`.\n\nMore.\n");
        readme.close();
        QCOMPARE(bundledDatasetTitle(empty.filePath("a/one.csv")), QString("one — a test set"));
        QCOMPARE(bundledDatasetAbout(empty.filePath("a/one.csv")),
                 QString("<b>one.csv</b> — one — a test set<br><b>Format.</b> CSV with <tt>text</tt> and <tt>label</tt>."));
    }
};

QTEST_MAIN(TestDataPage)
#include "test_data_page.moc"
