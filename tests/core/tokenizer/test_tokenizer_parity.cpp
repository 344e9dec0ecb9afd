// Every fixture tokenizer (trained by the Python `tokenizers` package at fixture time) must give the same
// ids, tokens and decodes in C++ as the package recorded in expected.json beside it.
#include <QtTest/QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lora/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const fs::path kDir = fs::path(LORA_FIXTURES_DIR) / "tokenizers";
// The fixture script writes 30; fewer means it broke, and the rows below would silently shrink.
constexpr size_t kMinFixtures = 20;

Json readJson(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + p.string());
    return Json::parse(in);
}

std::vector<int32_t> idsOf(const Json& j)
{
    return j.get<std::vector<int32_t>>();
}

std::string show(const std::vector<int32_t>& ids)
{
    std::ostringstream os;
    os << '[';
    for (size_t i = 0; i < ids.size(); ++i) os << (i ? "," : "") << ids[i];
    os << ']';
    return os.str();
}

std::string fromHex(const std::string& hex)
{
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

struct Fixture {
    std::shared_ptr<const lora::Tokenizer> tokenizer;
    Json expected;
};

// Loading a tokenizer is the slow part; each is loaded once for all test functions.
const Fixture& fixture(const std::string& name)
{
    static std::map<std::string, Fixture> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        Fixture f{lora::Tokenizer::fromFile(kDir / name / "tokenizer.json"), readJson(kDir / name / "expected.json")};
        it = cache.emplace(name, std::move(f)).first;
    }
    return it->second;
}

// Collects mismatches so one run reports all of them, not only the first.
class Mismatches {
public:
    void check(bool ok, const std::string& what)
    {
        if (!ok) lines_.push_back(what);
    }
    bool empty() const { return lines_.empty(); }
    std::string report() const
    {
        std::string s = std::to_string(lines_.size()) + " mismatch(es):";
        for (size_t i = 0; i < lines_.size() && i < 8; ++i) s += "\n  " + lines_[i];
        return s;
    }

private:
    std::vector<std::string> lines_;
};

}  // namespace

class TestTokenizerParity final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const fs::path index = kDir / "index.json";
        QVERIFY2(fs::exists(index), (index.string() + " missing: run the fixtures.make test").c_str());
        QVERIFY(readJson(index).size() >= kMinFixtures);
    }

    void encode_data() { addRows(); }
    void encode()
    {
        QFETCH(QString, name);
        const auto& f = fixture(name.toStdString());
        Mismatches m;
        for (const auto& c : f.expected["cases"]) {
            const auto text = c["text"].get<std::string>();
            const auto ids = f.tokenizer->encode(text, true);
            m.check(ids == idsOf(c["ids"]), "with special '" + text + "': got " + show(ids) + " want " + show(idsOf(c["ids"])));
            const auto plain = f.tokenizer->encode(text, false);
            m.check(plain == idsOf(c["ids_no_special"]),
                    "no special '" + text + "': got " + show(plain) + " want " + show(idsOf(c["ids_no_special"])));
            const auto& tokens = c["tokens"];
            for (size_t i = 0; i < ids.size() && i < tokens.size(); ++i) {
                m.check(f.tokenizer->idToToken(ids[i]) == tokens[i].get<std::string>(),
                        "idToToken(" + std::to_string(ids[i]) + ") = '" + f.tokenizer->idToToken(ids[i]) + "' want '" +
                            tokens[i].get<std::string>() + "'");
            }
        }
        QVERIFY2(m.empty(), m.report().c_str());
    }

    void decode_data() { addRows(); }
    void decode()
    {
        QFETCH(QString, name);
        const auto& f = fixture(name.toStdString());
        Mismatches m;
        auto expect = [&](const Json& ids, bool skip, const Json& want, const std::string& label) {
            const auto v = idsOf(ids);
            const auto got = f.tokenizer->decode(v, skip);
            m.check(got == want.get<std::string>(), label + " " + show(v) + ": got '" + got + "' want '" + want.get<std::string>() + "'");
        };
        for (const auto& c : f.expected["cases"]) {
            expect(c["ids"], true, c["decode_skip"], "skip specials");
            expect(c["ids"], false, c["decode_keep"], "keep specials");
            expect(c["ids_no_special"], true, c["decode_no_special"], "no specials");
            // Cut and thinned id lists split multi-byte characters: this checks lossy decoding.
            expect(c["half_ids"], false, c["decode_half"], "half");
            Json odd = Json::array();
            const auto& all = c["ids"];
            for (size_t i = 1; i < all.size(); i += 2) odd.push_back(all[i]);
            expect(odd, false, c["decode_odd"], "odd");
        }
        QVERIFY2(m.empty(), m.report().c_str());
    }

    // Invalid UTF-8 is encoded as Python encodes bytes.decode("utf-8", "replace") (one U+FFFD per maximal
    // ill-formed subsequence).
    void invalidUtf8_data() { addRows(); }
    void invalidUtf8()
    {
        QFETCH(QString, name);
        const auto& f = fixture(name.toStdString());
        Mismatches m;
        for (const auto& c : f.expected["invalid_utf8"]) {
            const auto ids = f.tokenizer->encode(fromHex(c["hex"].get<std::string>()), true);
            m.check(ids == idsOf(c["ids"]), "bytes " + c["hex"].get<std::string>() + ": got " + show(ids) + " want " + show(idsOf(c["ids"])));
        }
        QVERIFY2(m.empty(), m.report().c_str());
    }

    void vocabulary_data() { addRows(); }
    void vocabulary()
    {
        QFETCH(QString, name);
        const auto& f = fixture(name.toStdString());
        QCOMPARE(f.tokenizer->kind(), f.expected["kind"].get<std::string>());
        QCOMPARE(f.tokenizer->vocabSize(), f.expected["vocab_size"].get<size_t>());
        Mismatches m;
        const auto& specials = f.expected["special_ids"];
        const auto& vocab = f.expected["vocab"];
        for (size_t i = 0; i < vocab.size(); ++i) {
            const auto id = static_cast<int32_t>(i);
            const auto& entry = vocab[i];
            const std::string want = entry[0].is_null() ? std::string() : entry[0].get<std::string>();
            const std::string got = f.tokenizer->idToToken(id);
            m.check(got == want, "idToToken(" + std::to_string(id) + ") = '" + got + "' want '" + want + "'");
            if (!entry[1].is_null()) {
                const auto back = f.tokenizer->tokenToId(want);
                m.check(back == entry[1].get<int32_t>(), "tokenToId('" + want + "') wrong");
            }
            const bool special = std::find(specials.begin(), specials.end(), Json(id)) != specials.end();
            m.check(f.tokenizer->isSpecial(id) == special, "isSpecial(" + std::to_string(id) + ") wrong");
        }
        QVERIFY2(m.empty(), m.report().c_str());
        QCOMPARE(f.tokenizer->idToToken(-1), std::string());
        QCOMPARE(f.tokenizer->tokenToId("\x01no such token\x02"), std::optional<int32_t>());
    }

private:
    static void addRows()
    {
        QTest::addColumn<QString>("name");
        for (const auto& n : readJson(kDir / "index.json")) {
            const auto name = n.get<std::string>();
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
        }
    }
};

QTEST_GUILESS_MAIN(TestTokenizerParity)
#include "test_tokenizer_parity.moc"
