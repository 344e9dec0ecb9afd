// Broken or hostile tokenizer.json files fail with a lora::Error that names the file and the problem,
// and bad input text never crashes the encoder.
#include <QtTest/QtTest>

#include <QTemporaryDir>

#include <filesystem>
#include <fstream>

#include "lora/error.h"
#include "lora/tokenizer.h"

namespace {

namespace fs = std::filesystem;

// A minimal byte-level BPE file: the configuration is hand-written, no expected ids are.
std::string byteLevelJson(const std::string& modelType = "BPE", const std::string& normalizer = "null")
{
    return R"({"version": "1.0", "added_tokens": [{"id": 6, "content": "<s>", "single_word": false, "lstrip": false,
      "rstrip": false, "normalized": false, "special": true}],
      "normalizer": )" + normalizer + R"(,
      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
      "post_processor": null, "decoder": {"type": "ByteLevel"},
      "model": {"type": ")" + modelType + R"(", "vocab": {"a": 0, "b": 1, "ab": 2, "\u00ef": 3, "\u00bf": 4, "\u0120": 5},
                "merges": [["a", "b"]]}})";
}

// Kept out of a raw string literal: moc mis-parses a raw string containing an unbalanced '('.
const char* const kUnclosedRegex = "{\"type\": \"Replace\", \"pattern\": {\"Regex\": \"(unclosed\"}, \"content\": \"\"}";

void write(const fs::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary);
    out << text;
}

}  // namespace

class TestTokenizerErrors final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(dir_.isValid()); }

    void rejectsBadFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("content");  // empty: do not create the file
        QTest::addColumn<QString>("problem");
        QTest::newRow("missing") << "missing.json" << QString() << "not found";
        QTest::newRow("invalid json") << "broken.json" << R"({"model": {"type": "BPE", )" << "invalid JSON";
        QTest::newRow("not an object") << "array.json" << "[1, 2, 3]" << "top level";
        QTest::newRow("no model") << "nomodel.json" << R"({"normalizer": null})" << "model";
        QTest::newRow("unsupported model") << "unigram.json" << QString::fromStdString(byteLevelJson("Unigram"))
                                           << "unsupported model type 'Unigram'";
        QTest::newRow("unsupported normalizer")
            << "precompiled.json"
            << QString::fromStdString(byteLevelJson("BPE", R"({"type": "Precompiled", "precompiled_charsmap": ""})"))
            << "unsupported normalizer type 'Precompiled'";
        QTest::newRow("bad regex")
            << "regex.json"
            << QString::fromStdString(byteLevelJson("BPE", kUnclosedRegex))
            << "cannot compile regex";
        QTest::newRow("merge not in vocab")
            << "merges.json"
            << QString::fromStdString(byteLevelJson()).replace(R"([["a", "b"]])", R"([["a", "zz"]])")
            << "'zz' is not in the vocab";
        QTest::newRow("legacy merge malformed")
            << "legacy.json" << QString::fromStdString(byteLevelJson()).replace(R"([["a", "b"]])", R"(["a b c"])")
            << "one space";
        QTest::newRow("too deep") << "deep.json" << QString(200, '[') + QString(200, ']') << "nesting deeper than 64";
    }
    void rejectsBadFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, content);
        QFETCH(QString, problem);
        const fs::path path = fs::path(dir_.path().toStdString()) / file.toStdString();
        if (!content.isEmpty()) write(path, content.toStdString());
        expectError(path, problem.toStdString());
    }

    void rejectsDirectory() { expectError(fs::path(dir_.path().toStdString()), "directory"); }

    void rejectsOversizedFile()
    {
        // Sparse, so the test costs no disk; the size check must come before any read.
        const fs::path path = fs::path(dir_.path().toStdString()) / "huge.json";
        write(path, "{}");
        fs::resize_file(path, (512ull << 20) + 1);
        expectError(path, "512 MiB");
    }

    void acceptsMinimalFile()
    {
        const fs::path path = fs::path(dir_.path().toStdString()) / "ok.json";
        write(path, byteLevelJson());
        const auto tok = lora::Tokenizer::fromFile(path);
        QCOMPARE(tok->kind(), std::string("byte-level BPE"));
        QCOMPARE(tok->encode("ab<s>ba", true), (std::vector<int32_t>{2, 6, 1, 0}));
    }

    // Invalid bytes become U+FFFD (one per maximal ill-formed subsequence), so encoding raw bytes must equal
    // encoding the repaired text, and never crash.
    void invalidUtf8IsReplaced_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("repaired");
        const QByteArray fffd("\xEF\xBF\xBD");
        QTest::newRow("lone continuation") << QByteArray("a\x80" "b") << QByteArray("a") + fffd + "b";
        QTest::newRow("truncated 3-byte") << QByteArray("ab\xE6\x97") << QByteArray("ab") + fffd;
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << fffd + fffd + fffd;
        QTest::newRow("overlong") << QByteArray("\xC0\xAF" "a") << fffd + fffd + "a";
        QTest::newRow("invalid lead") << QByteArray("\xFF\xFE") << fffd + fffd;
    }
    void invalidUtf8IsReplaced()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, repaired);
        const fs::path path = fs::path(dir_.path().toStdString()) / "ok.json";
        write(path, byteLevelJson());
        const auto tok = lora::Tokenizer::fromFile(path);
        const auto got = tok->encode(std::string_view(raw.constData(), raw.size()), true);
        const auto want = tok->encode(std::string_view(repaired.constData(), repaired.size()), true);
        QCOMPARE(got, want);
        // Ids outside the vocabulary are skipped when decoding, wherever they are.
        std::vector<int32_t> withUnknown{-1};
        withUnknown.insert(withUnknown.end(), got.begin(), got.end());
        withUnknown.push_back(1 << 30);
        QCOMPARE(tok->decode(withUnknown, false), tok->decode(got, false));
    }

private:
    static void expectError(const fs::path& path, const std::string& problem)
    {
        try {
            (void)lora::Tokenizer::fromFile(path);
        } catch (const lora::Error& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(path.string()) != std::string::npos, ("message lacks the path: " + msg).c_str());
            QVERIFY2(msg.find(problem) != std::string::npos, ("message lacks '" + problem + "': " + msg).c_str());
            return;
        }
        QFAIL(("no lora::Error for " + path.string()).c_str());
    }

    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestTokenizerErrors)
#include "test_tokenizer_errors.moc"
