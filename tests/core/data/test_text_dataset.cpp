// Plain text: documents, EOS boundaries, packing into fixed blocks and block counts.
#include "test_support.h"

#include "lora/dataset.h"

using namespace testdata;
using lora::DatasetOptions;
using lora::TextDocuments;

Q_DECLARE_METATYPE(std::vector<int32_t>)

namespace {
constexpr int32_t E = ByteTokenizer::kEos;
constexpr int32_t B = ByteTokenizer::kBos;
}  // namespace

class TestTextDataset final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(dir_.isValid()); }

    void packsBlocks_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<bool>("blankLines");
        QTest::addColumn<bool>("bos");
        QTest::addColumn<int>("blockSize");
        QTest::addColumn<QVector<QVector<int>>>("blocks");
        QTest::addColumn<QVector<int>>("lines");

        const auto v = [](std::vector<int32_t> x) { return QVector<int>(x.begin(), x.end()); };
        // Whole file: the blank line is kept inside the one document; EOS only at the end.
        QTest::newRow("whole file") << "ab\ncd\n\nef\n" << false << false << 4
                                    << QVector<QVector<int>>{v(ids("ab\nc")), v(ids("d\n\ne")), v(concat({ids("f"), {E}}))}
                                    << QVector<int>{1, 1, 1};
        // Blank lines split documents: EOS after each; the final 1-token block is dropped.
        QTest::newRow("blank lines") << "ab\ncd\n\nef\n" << true << false << 4
                                     << QVector<QVector<int>>{v(ids("ab\nc")), v(concat({ids("d"), {E}, ids("ef")}))}
                                     << QVector<int>{1, 1};
        // A block's line is where the document holding its first token starts.
        QTest::newRow("block lines") << "abc\n\n\nde\n\nfgh" << true << false << 3
                                     << QVector<QVector<int>>{v(ids("abc")), v(concat({{E}, ids("de")})),
                                                              v(concat({{E}, ids("fg")})), v(concat({ids("h"), {E}}))}
                                     << QVector<int>{1, 1, 4, 6};
        // Leading and trailing blank lines do not reach the document; CRLF reads as LF; BOM is dropped.
        QTest::newRow("trim crlf bom") << "\xEF\xBB\xBF\r\n\r\nab\r\n\r\ncd\r\n\r\n\r\n" << false << false << 16
                                       << QVector<QVector<int>>{v(concat({ids("ab\n\ncd"), {E}}))}
                                       << QVector<int>{3};
        // Each document gets the tokenizer's special tokens (here a BOS), then EOS.
        QTest::newRow("bos per document") << "ab\n\ncd" << true << true << 16
                                          << QVector<QVector<int>>{v(concat({{B}, ids("ab"), {E}, {B}, ids("cd"), {E}}))}
                                          << QVector<int>{1};
    }

    void packsBlocks()
    {
        QFETCH(QString, content);
        QFETCH(bool, blankLines);
        QFETCH(bool, bos);
        QFETCH(int, blockSize);
        QFETCH(QVector<QVector<int>>, blocks);
        QFETCH(QVector<int>, lines);

        const auto file = writeFile(dir_, "corpus.txt", content.toStdString());
        const ByteTokenizer tokenizer = ByteTokenizer::withBos(bos);
        DatasetOptions options;
        options.blockSize = blockSize;
        options.textDocuments = blankLines ? TextDocuments::BlankLines : TextDocuments::WholeFile;
        const lora::Dataset ds = lora::loadDataset(file, tokenizer, options);

        QCOMPARE(ds.format, lora::DatasetFormat::Text);
        QCOMPARE(ds.task, lora::TaskKind::CausalLM);
        QCOMPARE(ds.eosId, std::optional<int32_t>(E));
        QCOMPARE(int(ds.examples.size()), int(blocks.size()));
        for (int i = 0; i < blocks.size(); ++i) {
            const auto& ex = ds.examples[size_t(i)];
            const std::vector<int32_t> expected(blocks[i].begin(), blocks[i].end());
            COMPARE_IDS(ex.inputIds, expected);
            COMPARE_IDS(ex.labels, expected);  // every text token is learned
            QCOMPARE(ex.line, int64_t(lines[i]));
            QVERIFY(!ex.truncated);
        }
        QVERIFY(ds.badRows.empty());
        QVERIFY(ds.warnings.empty());
    }

    void blockCountsAndLosslessStream_data()
    {
        QTest::addColumn<int>("lines");
        QTest::addColumn<int>("blockSize");
        QTest::newRow("small blocks") << 300 << 7;
        QTest::newRow("block of 2") << 50 << 2;
        QTest::newRow("large blocks") << 1000 << 128;
        QTest::newRow("one block holds all") << 3 << 4096;
    }

    void blockCountsAndLosslessStream()
    {
        QFETCH(int, lines);
        QFETCH(int, blockSize);
        std::string text;
        for (int i = 0; i < lines; ++i) text += "line " + std::to_string(i) + (i % 10 == 9 ? "\n\n" : "\n");
        const auto file = writeFile(dir_, "many.md", text);
        ByteTokenizer tokenizer;
        DatasetOptions options;
        options.blockSize = blockSize;
        options.textDocuments = TextDocuments::BlankLines;
        const lora::Dataset ds = lora::loadDataset(file, tokenizer, options);

        // The reference stream: each paragraph (blank-line separated) then EOS.
        std::vector<int32_t> stream;
        std::string paragraph;
        for (int i = 0; i < lines; ++i) {
            if (!paragraph.empty()) paragraph += '\n';
            paragraph += "line " + std::to_string(i);
            if (i % 10 == 9 || i == lines - 1) {
                stream = concat({stream, ids(paragraph), {E}});
                paragraph.clear();
            }
        }
        const size_t full = stream.size() / size_t(blockSize);
        const size_t tail = stream.size() % size_t(blockSize);
        QCOMPARE(ds.examples.size(), full + (tail >= 2 ? 1 : 0));
        std::vector<int32_t> rebuilt;
        for (size_t i = 0; i < ds.examples.size(); ++i) {
            const auto& ex = ds.examples[i];
            if (i + 1 < ds.examples.size() || tail == 0) QCOMPARE(int(ex.inputIds.size()), blockSize);
            rebuilt = concat({rebuilt, ex.inputIds});
        }
        if (tail == 1) stream.pop_back();
        COMPARE_IDS(rebuilt, stream);
    }

    void withoutEosDocumentsJoinAndWarn()
    {
        const auto file = writeFile(dir_, "noeos.txt", "ab\n\ncd\n");
        const ByteTokenizer tokenizer = ByteTokenizer::withoutEos();
        DatasetOptions options;
        options.textDocuments = TextDocuments::BlankLines;
        const lora::Dataset ds = lora::loadDataset(file, tokenizer, options);
        QVERIFY(!ds.eosId);
        QCOMPARE(ds.examples.size(), size_t(1));
        COMPARE_IDS(ds.examples[0].inputIds, ids("abcd"));
        QCOMPARE(ds.warnings.size(), size_t(1));
        QVERIFY(ds.warnings[0].find("end-of-sequence") != std::string::npos);
    }

    void callerEosOverridesTokenizer()
    {
        const auto file = writeFile(dir_, "sep.txt", "ab\n\ncd\n");
        ByteTokenizer tokenizer;
        DatasetOptions options;
        options.textDocuments = TextDocuments::BlankLines;
        options.eosId = ByteTokenizer::kSep;
        const lora::Dataset ds = lora::loadDataset(file, tokenizer, options);
        QCOMPARE(ds.eosId, std::optional<int32_t>(ByteTokenizer::kSep));
        COMPARE_IDS(ds.examples[0].inputIds, concat({ids("ab"), {ByteTokenizer::kSep}, ids("cd"), {ByteTokenizer::kSep}}));
    }

    void tooLittleTextIsAnError()
    {
        const auto file = writeFile(dir_, "tiny.txt", "a\n");
        const ByteTokenizer tokenizer = ByteTokenizer::withoutEos();
        try {
            lora::loadDataset(file, tokenizer);
            QFAIL("a 1-token text file loaded");
        } catch (const lora::Error& e) {
            const std::string message = e.what();
            QVERIFY2(message.starts_with(file.string() + ": no usable examples"), e.what());
        }
        // With an EOS the same text makes one 2-token block.
        ByteTokenizer withEos;
        const lora::Dataset ds = lora::loadDataset(file, withEos);
        COMPARE_IDS(ds.examples.at(0).inputIds, concat({ids("a"), {E}}));
    }

    void rejectsBadOptions_data()
    {
        QTest::addColumn<int>("blockSize");
        QTest::addColumn<int>("eos");
        QTest::addColumn<QString>("problem");
        QTest::newRow("block 1") << 1 << -1 << "blockSize must be at least 2";
        QTest::newRow("eos outside vocab") << 16 << 999 << "eosId 999 is not in the tokenizer's vocabulary";
    }

    void rejectsBadOptions()
    {
        QFETCH(int, blockSize);
        QFETCH(int, eos);
        QFETCH(QString, problem);
        const auto file = writeFile(dir_, "ok.txt", "hello\n");
        DatasetOptions options;
        options.blockSize = blockSize;
        if (eos >= 0) options.eosId = eos;
        try {
            lora::loadDataset(file, ByteTokenizer(), options);
            QFAIL("bad options accepted");
        } catch (const lora::Error& e) {
            QVERIFY2(std::string(e.what()).find(problem.toStdString()) != std::string::npos, e.what());
        }
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestTextDataset)
#include "test_text_dataset.moc"
