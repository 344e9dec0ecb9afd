// Every kind of bad row, in every format: under BadRowPolicy::Fail the error is "<file>:<line>: <problem>";
// under Skip the good rows load and the bad one is listed. Also the always-fatal cases (no usable
// examples, unreadable file) and a check that arbitrary bytes never crash the loader.
#include "test_support.h"

#include "lora/dataset.h"

#include <random>

using namespace testdata;
using lora::BadRowPolicy;
using lora::DatasetOptions;

namespace {

const char* const kGood = R"({"text": "good"})";

std::string jsonlAround(const std::string& bad)
{
    // The bad row is always line 3: a good row, a blank line, the bad row, a good row.
    return std::string(kGood) + "\n\n" + bad + "\n" + kGood + "\n";
}

std::string csvAround(const std::string& bad) { return "text,label\ngood,pos\n" + bad + "\nfine,neg\n"; }

std::string textAround(const std::string& bad) { return "good line\n\n" + bad + "\nanother\n"; }

}  // namespace

class TestDatasetBadRows final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(dir_.isValid()); }

    void reportsBadRow_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("maxLength");
        QTest::addColumn<QStringList>("labels");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<int>("goodRows");

        const auto jsonl = [](const char* tag, const std::string& bad, const char* problem, int maxLength = 2048) {
            QTest::newRow(tag) << "rows.jsonl" << QByteArray::fromStdString(jsonlAround(bad)) << maxLength
                               << QStringList() << 3 << QString(problem) << 2;
        };
        jsonl("invalid json", R"({"text": "a")", "invalid JSON at column 13: syntax error while parsing object - unexpected end of input");
        jsonl("trailing garbage", R"({"text": "a"} x)", "invalid JSON at column 15");
        jsonl("number overflow", R"({"text": "a", "n": 1e999})", "invalid JSON: number overflow");
        jsonl("lone surrogate escape", R"({"text": "\ud800"})", "invalid JSON at column");
        jsonl("deep nesting", std::string(100000, '['), "invalid JSON");
        jsonl("not an object", "[1, 2]", "a row must be a JSON object, not array");
        jsonl("string row", "\"text\"", "a row must be a JSON object, not string");
        jsonl("no known fields", R"({"prompt": "a", "completion": "b"})",
              "the row has none of the fields \"text\", \"instruction\" and \"output\", or \"messages\"");
        jsonl("text wrong type", R"({"text": 5})", "field \"text\" must be a string, not number");
        jsonl("text null", R"({"text": null})", "field \"text\" must be a string, not null");
        jsonl("empty text", R"({"text": ""})", "field \"text\" is empty");
        jsonl("blank text", R"({"text": " \n\t "})", "field \"text\" is empty");
        jsonl("missing output", R"({"instruction": "do"})", "missing field \"output\"");
        jsonl("missing instruction", R"({"output": "done"})", "missing field \"instruction\"");
        jsonl("input wrong type", R"({"instruction": "a", "input": ["x"], "output": "b"})",
              "field \"input\" must be a string, not array");
        jsonl("empty instruction", R"({"instruction": "", "output": "b"})", "field \"instruction\" is empty");
        jsonl("empty output", R"({"instruction": "a", "output": ""})", "field \"output\" is empty");
        jsonl("messages not a list", R"({"messages": "hi"})",
              "field \"messages\" must be a list of {\"role\", \"content\"} objects, not string");
        jsonl("messages empty", R"({"messages": []})", "field \"messages\" is empty");
        jsonl("message not object", R"({"messages": [{"role": "user", "content": "a"}, 7]})",
              "messages[1]: must be an object with \"role\" and \"content\", not number");
        jsonl("message missing content", R"({"messages": [{"role": "assistant"}]})",
              "messages[0]: missing field \"content\"");
        jsonl("message role wrong type", R"({"messages": [{"role": 1, "content": "a"}]})",
              "messages[0]: field \"role\" must be a string, not number");
        jsonl("unknown role", R"({"messages": [{"role": "bot", "content": "a"}]})",
              "messages[0]: unknown role \"bot\" (expected \"system\", \"user\" or \"assistant\")");
        jsonl("no assistant", R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": " "}]})",
              "no assistant message with content");
        jsonl("prompt fills maxLength", R"({"instruction": "a", "output": "b"})",
              "the prompt takes all of maxLength (20 tokens)", 20);
        jsonl("invalid utf8 byte", "{\"text\": \"a\xFF\"}", "not valid UTF-8 (byte 0xFF at column 12)");
        jsonl("overlong utf8", "{\"text\": \"\xC0\xAF\"}", "not valid UTF-8 (byte 0xC0 at column 11)");
        jsonl("utf8 surrogate", "{\"text\": \"\xED\xA0\x80\"}", "not valid UTF-8 (byte 0xED at column 11)");
        jsonl("utf8 above U+10FFFF", "{\"text\": \"\xF4\x90\x80\x80\"}", "not valid UTF-8 (byte 0xF4");
        jsonl("truncated utf8", "{\"text\": \"\xE2\x82", "not valid UTF-8 (byte 0xE2 at column 11)");
        jsonl("tokenizer failure", R"({"text": "BOOM"})", "the tokenizer failed: test tokenizer refuses this text");

        const auto csv = [](const char* tag, const std::string& bad, const char* problem, int line = 3,
                            QStringList labels = {}) {
            QTest::newRow(tag) << "rows.csv" << QByteArray::fromStdString(csvAround(bad)) << 2048 << labels << line
                               << QString(problem) << 2;
        };
        csv("unknown label", "x,maybe", "unknown label \"maybe\" (expected one of \"neg\", \"pos\")", 3,
            QStringList{"neg", "pos"});
        csv("empty label", "x,", "empty label");
        csv("empty text", "\"\",pos", "empty text");
        csv("too many fields", "a,b,pos", "expected 2 fields, as in the header, found 3 (quote fields that contain commas)");
        csv("too few fields", "lonely", "expected 2 fields, as in the header, found 1");
        csv("text after closing quote", "\"a\"b,pos", "unexpected text after the closing quote of field 1");
        csv("invalid utf8", "caf\xE9,pos", "not valid UTF-8 (byte 0xE9 at column 4)");
        // The bad byte is on the second line of a record that starts on line 3.
        csv("invalid utf8 inside multi-line field", "\"ok\nbad\xFF\",pos", "not valid UTF-8 (byte 0xFF at column 4)", 4);
        csv("tokenizer failure", "BOOM,pos", "the tokenizer failed");
        QTest::newRow("unclosed quote") << "open.csv" << QByteArray("text,label\ngood,pos\nfine,neg\n\"never closed,pos\nlost,neg\n")
                                        << 2048 << QStringList() << 4 << "a quoted field opened on this line is never closed" << 2;

        const auto text = [](const char* tag, const std::string& bad, const char* problem) {
            QTest::newRow(tag) << "doc.txt" << QByteArray::fromStdString(textAround(bad)) << 2048 << QStringList() << 3
                               << QString(problem) << 1;
        };
        text("text invalid utf8", "bad \x80 byte", "not valid UTF-8 (byte 0x80 at column 5)");
        text("text tokenizer failure", "BOOM", "the tokenizer failed on the document starting here");
    }

    void reportsBadRow()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(int, maxLength);
        QFETCH(QStringList, labels);
        QFETCH(int, line);
        QFETCH(QString, problem);
        QFETCH(int, goodRows);

        const auto file = writeFile(dir_, name.toStdString(), std::string_view(content.constData(), size_t(content.size())));
        const ByteTokenizer tokenizer = ByteTokenizer::failingOn("BOOM");
        DatasetOptions options;
        options.maxLength = maxLength;
        options.textDocuments = lora::TextDocuments::BlankLines;
        for (const QString& label : labels) options.labels.push_back(label.toStdString());

        const std::string prefix = file.string() + ":" + std::to_string(line) + ": ";
        try {
            lora::loadDataset(file, tokenizer, options);
            QFAIL("the bad row was accepted");
        } catch (const lora::Error& e) {
            const std::string message = e.what();
            QVERIFY2(message.starts_with(prefix + problem.toStdString()), e.what());
        }

        options.badRows = BadRowPolicy::Skip;
        const lora::Dataset ds = lora::loadDataset(file, tokenizer, options);
        QCOMPARE(ds.badRows.size(), size_t(1));
        QCOMPARE(ds.badRows[0].line, int64_t(line));
        QVERIFY2(ds.badRows[0].problem.starts_with(problem.toStdString()), ds.badRows[0].problem.c_str());
        QCOMPARE(int(ds.examples.size()), goodRows);
        QVERIFY(!ds.warnings.empty());
    }

    void overLongLines_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<int>("examples");
        QTest::newRow("jsonl") << "long.jsonl" << QString(kGood) + "\n" << "\n" + QString(kGood) + "\n" << 2;
        QTest::newRow("csv") << "long.csv" << "text,label\ngood,a\n" << ",b\nfine,b\n" << 2;
        // The text around the dropped line packs into one block.
        QTest::newRow("text") << "long.txt" << "good\n" << "\nafter\n" << 1;
    }

    void overLongLines()
    {
        QFETCH(QString, name);
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(int, examples);
        const int line = before.count('\n') + 1;
        const std::string content = before.toStdString() + std::string(100, 'x') + after.toStdString();
        const auto file = writeFile(dir_, name.toStdString(), content);
        DatasetOptions options;
        options.maxLineBytes = 64;
        options.textDocuments = lora::TextDocuments::BlankLines;
        try {
            lora::loadDataset(file, ByteTokenizer(), options);
            QFAIL("an over-long line was accepted");
        } catch (const lora::Error& e) {
            const std::string expected = file.string() + ":" + std::to_string(line) +
                                         ": the line is longer than the 64-byte limit";
            QVERIFY2(std::string(e.what()).starts_with(expected), e.what());
        }
        options.badRows = BadRowPolicy::Skip;
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer(), options);
        QCOMPARE(ds.badRows.size(), size_t(1));
        QCOMPARE(ds.badRows[0].line, int64_t(line));
        QCOMPARE(int(ds.examples.size()), examples);
    }

    void defaultLineLimitIs16MiB()
    {
        // 16 MiB + 1 byte of "x" inside a JSON string: over the default limit by construction.
        std::string content = std::string(kGood) + "\n{\"text\": \"";
        content += std::string(lora::kDefaultMaxLineBytes, 'x');
        content += "\"}\n" + std::string(kGood) + "\n";
        const auto file = writeFile(dir_, "huge.jsonl", content);
        DatasetOptions options;
        options.badRows = BadRowPolicy::Skip;
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer(), options);
        QCOMPARE(ds.badRows.size(), size_t(1));
        QCOMPARE(ds.badRows[0].line, int64_t(2));
        QCOMPARE(ds.badRows[0].problem, std::string("the line is longer than the 16 MiB limit (is this a text file?)"));
        QCOMPARE(ds.examples.size(), size_t(2));
        QCOMPARE(ds.examples[1].line, int64_t(3));
    }

    void skipListsEveryBadRowInOrder()
    {
        const auto file = writeFile(dir_, "mixed.jsonl", "{\"text\": 1}\n{\"text\": \"ok\"}\nnope\n\n{}\n{\"text\": \"ok\"}\n");
        DatasetOptions options;
        options.badRows = BadRowPolicy::Skip;
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer(), options);
        QCOMPARE(ds.examples.size(), size_t(2));
        QCOMPARE(ds.examples[0].line, int64_t(2));
        QCOMPARE(ds.examples[1].line, int64_t(6));
        QCOMPARE(ds.badRows.size(), size_t(3));
        QCOMPARE(ds.badRows[0].line, int64_t(1));
        QCOMPARE(ds.badRows[1].line, int64_t(3));
        QCOMPARE(ds.badRows[2].line, int64_t(5));
        QCOMPARE(ds.warnings.back(), std::string("skipped 3 bad rows"));
    }

    void emptyDatasetIsAlwaysAnError_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty jsonl") << "e.jsonl" << "" << "no usable examples: the file has no rows with content";
        QTest::newRow("blank jsonl") << "e.jsonl" << "\n  \n\r\n" << "no usable examples: the file has no rows with content";
        QTest::newRow("empty text") << "e.txt" << "" << "no usable examples: the file has too little text";
        QTest::newRow("blank text") << "e.md" << "\n\n   \n" << "no usable examples: the file has too little text";
        QTest::newRow("all rows bad") << "bad.jsonl" << "{\"text\": 1}\n{}\n"
                                      << "no usable examples: all 2 rows with content are bad (line 1: field \"text\" "
                                         "must be a string, not number)";
        QTest::newRow("csv all bad") << "bad.csv" << "text,label\n,x\n" << "no usable examples: all 1 rows";
    }

    void emptyDatasetIsAlwaysAnError()
    {
        QFETCH(QString, name);
        QFETCH(QString, content);
        QFETCH(QString, problem);
        const auto file = writeFile(dir_, name.toStdString(), content.toStdString());
        DatasetOptions options;
        options.badRows = BadRowPolicy::Skip;
        try {
            lora::loadDataset(file, ByteTokenizer(), options);
            QFAIL("an empty dataset loaded");
        } catch (const lora::Error& e) {
            QVERIFY2(std::string(e.what()).starts_with(file.string() + ": " + problem.toStdString()), e.what());
        }
    }

    void unreadableFiles()
    {
        const auto missing = std::filesystem::path(dir_.path().toStdString()) / "missing.jsonl";
        try {
            lora::loadDataset(missing, ByteTokenizer());
            QFAIL("a missing file loaded");
        } catch (const lora::Error& e) {
            QCOMPARE(std::string(e.what()), missing.string() + ": file not found");
        }
        const auto folder = std::filesystem::path(dir_.path().toStdString()) / "folder.txt";
        std::filesystem::create_directory(folder);
        try {
            lora::loadDataset(folder, ByteTokenizer());
            QFAIL("a folder loaded");
        } catch (const lora::Error& e) {
            QCOMPARE(std::string(e.what()), folder.string() + ": is a folder, not a file");
        }
    }

    // Random bytes and mangled rows, in every format: loading either succeeds or throws lora::Error.
    void arbitraryInputNeverCrashes()
    {
        std::mt19937_64 random(12345);  // only makes inputs; nothing here depends on its algorithm
        const std::vector<std::string> pieces = {"{", "}", "[", "]", "\"", ",", ":", "\n", "\r\n", "\t", "text", "label",
                                                 "messages", "role", "assistant", "content", "instruction", "output",
                                                 "\xFF", "\xC3", "\xA9", "\\u0000", "\\ud800", " ", "1e999", "null", "\0"};
        const std::vector<std::string> names = {"f.jsonl", "f.csv", "f.tsv", "f.txt", "f.json", "f.bin"};
        int loaded = 0;
        for (int round = 0; round < 600; ++round) {
            std::string content;
            if (round % 3 == 0) content = "text,label\n";
            const size_t count = random() % 200;
            for (size_t i = 0; i < count; ++i) {
                if (random() % 4 == 0) content += static_cast<char>(random() % 256);
                else content += pieces[random() % pieces.size()];
            }
            const auto file = writeFile(dir_, names[size_t(round) % names.size()], content);
            DatasetOptions options;
            options.badRows = round % 2 ? BadRowPolicy::Skip : BadRowPolicy::Fail;
            options.maxLineBytes = 1 + random() % 300;
            options.blockSize = 2 + int(random() % 8);
            options.maxLength = 2 + int(random() % 50);
            try {
                const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer::withBosAndSep(), options);
                QVERIFY(!ds.examples.empty());
                for (const auto& ex : ds.examples) {
                    QVERIFY(!ex.inputIds.empty());
                    QVERIFY(ds.task == lora::TaskKind::Classification || ex.labels.size() == ex.inputIds.size());
                }
                ++loaded;
            } catch (const lora::Error&) {
            }
        }
        QVERIFY(loaded > 0);
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestDatasetBadRows)
#include "test_dataset_bad_rows.moc"
