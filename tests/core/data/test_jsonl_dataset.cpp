// JSONL: "text" rows, Alpaca-style instruction rows with the prompt masked, and chat "messages" rows
// where only assistant turns are learned. Label positions are checked exactly.
#include "test_support.h"

#include "lora/dataset.h"

using namespace testdata;
using lora::DatasetOptions;

namespace {
constexpr int32_t E = ByteTokenizer::kEos;
constexpr int32_t B = ByteTokenizer::kBos;
}  // namespace

class TestJsonlDataset final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(dir_.isValid()); }

    void textRows()
    {
        // Blank lines are not rows, so line numbers skip them.
        const auto file = writeFile(dir_, "rows.jsonl", "{\"text\": \"hello\"}\n\n  \n{\"text\": \"a\\nb\", \"extra\": 1}\n");
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer());
        QCOMPARE(ds.format, lora::DatasetFormat::Jsonl);
        QCOMPARE(ds.examples.size(), size_t(2));
        COMPARE_IDS(ds.examples[0].inputIds, concat({ids("hello"), {E}}));
        COMPARE_IDS(ds.examples[0].labels, concat({ids("hello"), {E}}));
        QCOMPARE(ds.examples[0].line, int64_t(1));
        COMPARE_IDS(ds.examples[1].inputIds, concat({ids("a\nb"), {E}}));
        QCOMPARE(ds.examples[1].line, int64_t(4));
        QCOMPARE(ds.examples[1].classId, -1);
    }

    void instructionMasksThePrompt_data()
    {
        QTest::addColumn<QString>("row");
        QTest::addColumn<QString>("prompt");
        QTest::addColumn<QString>("output");
        QTest::newRow("with input")
            << R"({"instruction": "Greet", "input": "Bob", "output": "Hi Bob"})"
            << "### Instruction:\nGreet\n\n### Input:\nBob\n\n### Response:\n" << "Hi Bob";
        QTest::newRow("no input field") << R"({"instruction": "Count", "output": "1 2 3"})"
                                        << "### Instruction:\nCount\n\n### Response:\n" << "1 2 3";
        QTest::newRow("empty input") << R"({"instruction": "Count", "input": "", "output": "1"})"
                                     << "### Instruction:\nCount\n\n### Response:\n" << "1";
        QTest::newRow("null input") << R"({"instruction": "X", "input": null, "output": "y"})"
                                    << "### Instruction:\nX\n\n### Response:\n" << "y";
        QTest::newRow("unicode") << R"({"instruction": "Übersetze", "output": "日本"})"
                                 << "### Instruction:\nÜbersetze\n\n### Response:\n" << "日本";
    }

    void instructionMasksThePrompt()
    {
        QFETCH(QString, row);
        QFETCH(QString, prompt);
        QFETCH(QString, output);
        const auto file = writeFile(dir_, "alpaca.jsonl", row.toStdString() + "\n");
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer());
        QCOMPARE(ds.examples.size(), size_t(1));
        const auto& ex = ds.examples[0];
        const auto p = ids(prompt.toStdString());
        const auto o = ids(output.toStdString());
        COMPARE_IDS(ex.inputIds, concat({p, o, {E}}));
        COMPARE_IDS(ex.labels, concat({masked(p.size()), o, {E}}));
    }

    void messagesLearnOnlyAssistantTurns()
    {
        const auto file = writeFile(dir_, "chat.jsonl",
            R"({"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},)"
            R"( {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Bye"},)"
            R"( {"role": "assistant", "content": "Bye."}]})" "\n");
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer());
        QCOMPARE(ds.examples.size(), size_t(1));
        const auto& ex = ds.examples[0];
        const auto sys = ids("<|system|>\nBe brief.\n");
        const auto user1 = ids("<|user|>\nHi\n");
        const auto head = ids("<|assistant|>\n");
        const auto reply1 = ids("Hello!\n");
        const auto user2 = ids("<|user|>\nBye\n");
        const auto reply2 = ids("Bye.\n");
        COMPARE_IDS(ex.inputIds, concat({sys, user1, head, reply1, {E}, user2, head, reply2, {E}}));
        COMPARE_IDS(ex.labels, concat({masked(sys.size() + user1.size() + head.size()), reply1, {E},
                                       masked(user2.size() + head.size()), reply2, {E}}));
        const lora::DatasetStats stats = lora::computeStats(ds.examples);
        QCOMPARE(stats.lossTokens, int64_t(reply1.size() + reply2.size() + 2));
    }

    void specialTokensOnlyAtTheStart()
    {
        // A BOS-adding tokenizer (Llama-like) must not put a BOS before the response or each turn.
        const auto file = writeFile(dir_, "bos.jsonl",
                                    R"({"instruction": "I", "output": "O"})" "\n"
                                    R"({"messages": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]})" "\n");
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer::withBos());
        QCOMPARE(ds.examples.size(), size_t(2));
        const auto prompt = ids("### Instruction:\nI\n\n### Response:\n");
        COMPARE_IDS(ds.examples[0].inputIds, concat({{B}, prompt, ids("O"), {E}}));
        COMPARE_IDS(ds.examples[0].labels, concat({masked(1 + prompt.size()), ids("O"), {E}}));
        const auto user = ids("<|user|>\nu\n<|assistant|>\n");
        COMPARE_IDS(ds.examples[1].inputIds, concat({{B}, user, ids("a\n"), {E}}));
        COMPARE_IDS(ds.examples[1].labels, concat({masked(1 + user.size()), ids("a\n"), {E}}));
    }

    void truncatesToMaxLength()
    {
        const auto file = writeFile(dir_, "long.jsonl",
                                    R"({"text": "0123456789abcdef"})" "\n"
                                    R"({"text": "012345678"})" "\n");
        DatasetOptions options;
        options.maxLength = 10;
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer(), options);
        QCOMPARE(ds.examples.size(), size_t(2));
        COMPARE_IDS(ds.examples[0].inputIds, ids("0123456789"));
        QVERIFY(ds.examples[0].truncated);
        COMPARE_IDS(ds.examples[1].inputIds, concat({ids("012345678"), {E}}));  // exactly maxLength
        QVERIFY(!ds.examples[1].truncated);
        QCOMPARE(lora::computeStats(ds.examples).truncated, int64_t(1));

        // The response keeps what fits after the prompt; the cut-off EOS is not learned.
        const auto alpaca = writeFile(dir_, "long_alpaca.jsonl", R"({"instruction": "ab", "output": "0123456789"})" "\n");
        const auto prompt = ids("### Instruction:\nab\n\n### Response:\n");
        options.maxLength = int(prompt.size()) + 4;
        const lora::Dataset cut = lora::loadDataset(alpaca, ByteTokenizer(), options);
        COMPARE_IDS(cut.examples.at(0).inputIds, concat({prompt, ids("0123")}));
        COMPARE_IDS(cut.examples[0].labels, concat({masked(prompt.size()), ids("0123")}));
        QVERIFY(cut.examples[0].truncated);
    }

    void jsonExtensionHoldingLines()
    {
        const auto file = writeFile(dir_, "data.json", "{\"text\": \"x y\"}\n{\"text\": \"z\"}\n");
        QCOMPARE(lora::detectDatasetFormat(file), lora::DatasetFormat::Jsonl);
        QCOMPARE(lora::loadDataset(file, ByteTokenizer()).examples.size(), size_t(2));
        const auto array = writeFile(dir_, "array.json", "[{\"text\": \"x\"}]\n");
        try {
            lora::detectDatasetFormat(array);
            QFAIL("a JSON array was accepted");
        } catch (const lora::Error& e) {
            QVERIFY2(std::string(e.what()).starts_with(array.string() + ": holds a JSON array"), e.what());
        }
    }

    void formatDetection_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("content");
        QTest::addColumn<int>("format");
        QTest::newRow("jsonl ext") << "a.jsonl" << "anything" << int(lora::DatasetFormat::Jsonl);
        QTest::newRow("txt ext wins") << "a.txt" << "{\"text\": \"x\"}" << int(lora::DatasetFormat::Text);
        QTest::newRow("sniff jsonl") << "a.data" << "\n  {\"text\": \"x\"}\n" << int(lora::DatasetFormat::Jsonl);
        QTest::newRow("sniff csv") << "a.data" << "Text,Label\nx,y\n" << int(lora::DatasetFormat::Csv);
        QTest::newRow("sniff tsv") << "a" << "label\ttext\ny\tx\n" << int(lora::DatasetFormat::Tsv);
        QTest::newRow("sniff text") << "README" << "Hello, world\n" << int(lora::DatasetFormat::Text);
        QTest::newRow("uppercase ext") << "A.CSV" << "" << int(lora::DatasetFormat::Csv);
    }

    void formatDetection()
    {
        QFETCH(QString, name);
        QFETCH(QString, content);
        QFETCH(int, format);
        const auto file = writeFile(dir_, name.toStdString(), content.toStdString());
        QCOMPARE(int(lora::detectDatasetFormat(file)), format);
    }

    void callerFormatOverridesDetection()
    {
        // A .txt file holding JSON lines, read as JSONL because the caller says so.
        const auto file = writeFile(dir_, "rows.txt", "{\"text\": \"ab\"}\n");
        DatasetOptions options;
        options.format = lora::DatasetFormat::Jsonl;
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer(), options);
        QCOMPARE(ds.format, lora::DatasetFormat::Jsonl);
        COMPARE_IDS(ds.examples.at(0).inputIds, concat({ids("ab"), {E}}));
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestJsonlDataset)
#include "test_jsonl_dataset.moc"
