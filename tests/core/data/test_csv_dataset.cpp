// CSV/TSV for sequence classification: RFC 4180 quoting, header columns, label ids, truncation that
// keeps the tokenizer's wrapping special tokens.
#include "test_support.h"

#include "lora/dataset.h"

using namespace testdata;
using lora::DatasetOptions;

namespace {

std::vector<std::string> texts(const lora::Dataset& ds)
{
    std::vector<std::string> out;
    ByteTokenizer tokenizer;
    for (const auto& ex : ds.examples) out.push_back(tokenizer.decode(ex.inputIds));
    return out;
}

QStringList qt(const std::vector<std::string>& v)
{
    QStringList out;
    for (const auto& s : v) out << QString::fromStdString(s);
    return out;
}

}  // namespace

class TestCsvDataset final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(dir_.isValid()); }

    void parsesRecords_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("content");
        QTest::addColumn<QStringList>("texts");
        QTest::addColumn<QStringList>("labels");  // label name of each example
        QTest::addColumn<QVector<int>>("lines");

        QTest::newRow("plain") << "a.csv" << "text,label\nhello,pos\nbye,neg\n" << QStringList{"hello", "bye"}
                               << QStringList{"pos", "neg"} << QVector<int>{2, 3};
        QTest::newRow("quoted comma") << "a.csv" << "text,label\n\"hello, world\",pos\n"
                                      << QStringList{"hello, world"} << QStringList{"pos"} << QVector<int>{2};
        QTest::newRow("doubled quotes") << "a.csv" << "text,label\n\"she said \"\"hi\"\"\",neg\n"
                                        << QStringList{"she said \"hi\""} << QStringList{"neg"} << QVector<int>{2};
        // A record spanning lines starts at its first line; the next record's line is still exact.
        QTest::newRow("newline in quotes") << "a.csv" << "text,label\n\"line1\nline2\n\",pos\nnext,neg\n"
                                           << QStringList{"line1\nline2\n", "next"} << QStringList{"pos", "neg"}
                                           << QVector<int>{2, 5};
        QTest::newRow("crlf everywhere") << "a.csv" << "text,label\r\n\"a\r\nb\",x\r\nc,y\r\n"
                                         << QStringList{"a\nb", "c"} << QStringList{"x", "y"} << QVector<int>{2, 4};
        QTest::newRow("quoted label and empty-looking text") << "a.csv" << "text,label\n\" \"\"\",\"pos\"\n"
                                                             << QStringList{" \""} << QStringList{"pos"} << QVector<int>{2};
        QTest::newRow("stray quote kept literally") << "a.csv" << "text,label\nhe said \"hi\" ok,pos\n"
                                                    << QStringList{"he said \"hi\" ok"} << QStringList{"pos"}
                                                    << QVector<int>{2};
        QTest::newRow("columns in any order, extra ignored")
            << "a.csv" << "id,Label,TEXT\n1,pos,first\n2,neg,\"sec,ond\"\n" << QStringList{"first", "sec,ond"}
            << QStringList{"pos", "neg"} << QVector<int>{2, 3};
        QTest::newRow("label spaces trimmed, text kept") << "a.csv" << "text, label\n  padded  , pos \n"
                                                         << QStringList{"  padded  "} << QStringList{"pos"}
                                                         << QVector<int>{2};
        QTest::newRow("blank lines skipped") << "a.csv" << "\ntext,label\n\na,x\n\n\nb,y\n"
                                             << QStringList{"a", "b"} << QStringList{"x", "y"} << QVector<int>{4, 7};
        QTest::newRow("bom") << "a.csv" << "\xEF\xBB\xBFtext,label\na,x\n" << QStringList{"a"} << QStringList{"x"}
                             << QVector<int>{2};
        QTest::newRow("tsv") << "a.tsv" << "text\tlabel\nhello, world\tgreeting\n\"tab\there\"\tother\n"
                             << QStringList{"hello, world", "tab\there"} << QStringList{"greeting", "other"}
                             << QVector<int>{2, 3};
        QTest::newRow("tsv with quotes inside") << "a.tsv" << "text\tlabel\nsay \"x\"\tq\n"
                                                << QStringList{"say \"x\""} << QStringList{"q"} << QVector<int>{2};
        QTest::newRow("no trailing newline") << "a.csv" << "text,label\nlast,z" << QStringList{"last"}
                                             << QStringList{"z"} << QVector<int>{2};
    }

    void parsesRecords()
    {
        QFETCH(QString, name);
        QFETCH(QString, content);
        QFETCH(QStringList, texts);
        QFETCH(QStringList, labels);
        QFETCH(QVector<int>, lines);
        const auto file = writeFile(dir_, name.toStdString(), content.toStdString());
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer());
        QCOMPARE(ds.task, lora::TaskKind::Classification);
        QCOMPARE(qt(::texts(ds)), texts);
        QStringList actualLabels;
        QVector<int> actualLines;
        for (const auto& ex : ds.examples) {
            QVERIFY(ex.labels.empty());
            actualLabels << QString::fromStdString(ds.labelNames.at(size_t(ex.classId)));
            actualLines << int(ex.line);
        }
        QCOMPARE(actualLabels, labels);
        QCOMPARE(actualLines, lines);
        QVERIFY(ds.badRows.empty());
    }

    void labelIdsInOrderOfFirstAppearance()
    {
        const auto file = writeFile(dir_, "l.csv", "text,label\na,pos\nb,neg\nc,pos\nd,mixed\ne,neg\n");
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer());
        QCOMPARE(qt(ds.labelNames), (QStringList{"pos", "neg", "mixed"}));
        QVector<int> ids;
        for (const auto& ex : ds.examples) ids << ex.classId;
        QCOMPARE(ids, (QVector<int>{0, 1, 0, 2, 1}));
        QVERIFY(ds.warnings.empty());
    }

    void labelIdsFromAGivenList()
    {
        const auto file = writeFile(dir_, "l.csv", "text,label\na,pos\nb,neg\nc,pos\n");
        DatasetOptions options;
        options.labels = {"neg", "neutral", "pos"};
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer(), options);
        QCOMPARE(qt(ds.labelNames), (QStringList{"neg", "neutral", "pos"}));
        QVector<int> ids;
        for (const auto& ex : ds.examples) ids << ex.classId;
        QCOMPARE(ids, (QVector<int>{2, 0, 2}));
    }

    void oneLabelWarns()
    {
        const auto file = writeFile(dir_, "one.csv", "text,label\na,only\nb,only\n");
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer());
        QCOMPARE(ds.warnings.size(), size_t(1));
        QVERIFY(ds.warnings[0].find("at least two classes") != std::string::npos);
    }

    void truncationKeepsSpecialTokens()
    {
        const auto file = writeFile(dir_, "t.csv", "text,label\nabcdefgh,x\nabc,y\n");
        DatasetOptions options;
        options.maxLength = 5;
        const lora::Dataset ds = lora::loadDataset(file, ByteTokenizer::withBosAndSep(), options);
        COMPARE_IDS(ds.examples[0].inputIds, concat({{ByteTokenizer::kBos}, ids("abc"), {ByteTokenizer::kSep}}));
        QVERIFY(ds.examples[0].truncated);
        COMPARE_IDS(ds.examples[1].inputIds, concat({{ByteTokenizer::kBos}, ids("abc"), {ByteTokenizer::kSep}}));
        QVERIFY(!ds.examples[1].truncated);
        // Without wrapping tokens the head of the text is kept.
        const lora::Dataset plain = lora::loadDataset(file, ByteTokenizer(), options);
        COMPARE_IDS(plain.examples[0].inputIds, ids("abcde"));
    }

    void headerProblemsFailWholeFile_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("message");  // after "<file>"
        QTest::newRow("no label column") << "text,category\na,b\n"
                                         << ":1: a CSV file for classification needs a header row with the columns "
                                            "\"text\" and \"label\"; found \"text\", \"category\"";
        QTest::newRow("header after blank lines") << "\n\nsentence,label\n" << ":3: a CSV file";
        QTest::newRow("empty file") << "" << ": the file is empty";
        QTest::newRow("only header") << "text,label\n" << ": no usable examples";
        QTest::newRow("unclosed quote in header") << "\"text,label\n" << ":1: header: a quoted field";
    }

    void headerProblemsFailWholeFile()
    {
        QFETCH(QString, content);
        QFETCH(QString, message);
        const auto file = writeFile(dir_, "h.csv", content.toStdString());
        DatasetOptions options;
        options.badRows = lora::BadRowPolicy::Skip;  // header problems are not row problems
        try {
            lora::loadDataset(file, ByteTokenizer(), options);
            QFAIL("loaded");
        } catch (const lora::Error& e) {
            QVERIFY2(std::string(e.what()).starts_with(file.string() + message.toStdString()), e.what());
        }
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestCsvDataset)
#include "test_csv_dataset.moc"
