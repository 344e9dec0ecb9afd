// SafetensorsFile and writeSafetensors: round trips for every dtype, and every kind of malformed file
// refused with a lora::Error that names the file and the problem.
#include "lora/error.h"
#include "lora/safetensors.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <string>

namespace {

QByteArray lengthPrefix(quint64 n)
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return bytes;
}

QByteArray safetensorsBytes(const QByteArray& header, const QByteArray& data)
{
    return lengthPrefix(static_cast<quint64>(header.size())) + header + data;
}

QByteArray entry(const char* name, const char* dtype, const char* shape, quint64 begin, quint64 end)
{
    return QByteArray("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
           ",\"data_offsets\":[" + QByteArray::number(begin) + "," + QByteArray::number(end) + "]}";
}

std::filesystem::path writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return std::filesystem::path(path.toStdString());
}

QByteArray readAll(const std::filesystem::path& path)
{
    QFile file(QString::fromStdString(path.string()));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", path.c_str());
    return file.readAll();
}

// Deterministic, distinct bytes per tensor so that a swapped or shifted span is caught.
std::vector<std::byte> pattern(size_t n, int seed)
{
    std::vector<std::byte> bytes(n);
    for (size_t i = 0; i < n; ++i)
        bytes[i] = static_cast<std::byte>((i * 31 + static_cast<size_t>(seed) * 7 + 1) & 0xff);
    return bytes;
}

bool sameBytes(std::span<const std::byte> a, std::span<const std::byte> b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Every file in `dir`, to prove that a refused write leaves nothing behind (not even a temp file).
QStringList filesIn(const QTemporaryDir& dir)
{
    return QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
}

}  // namespace

class TestSafetensorsReader final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dtypeNamesAndSizes_data();
    void dtypeNamesAndSizes();
    void roundTripsEveryDtype_data();
    void roundTripsEveryDtype();
    void roundTripsSeveralTensorsWithMetadata();
    void writerLaysOutLikeTheReference();
    void acceptsValidEdgeCases_data();
    void acceptsValidEdgeCases();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void rejectsTooManyTensors();
    void rejectsMissingAndNonRegularFiles();
    void bytesRefusesAForeignTensor();
    void writerRejectsInvalidInput_data();
    void writerRejectsInvalidInput();
};

void TestSafetensorsReader::dtypeNamesAndSizes_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("size");
    QTest::newRow("F64") << int(lora::DType::F64) << "F64" << 8;
    QTest::newRow("F32") << int(lora::DType::F32) << "F32" << 4;
    QTest::newRow("F16") << int(lora::DType::F16) << "F16" << 2;
    QTest::newRow("BF16") << int(lora::DType::BF16) << "BF16" << 2;
    QTest::newRow("I64") << int(lora::DType::I64) << "I64" << 8;
    QTest::newRow("I32") << int(lora::DType::I32) << "I32" << 4;
    QTest::newRow("I16") << int(lora::DType::I16) << "I16" << 2;
    QTest::newRow("I8") << int(lora::DType::I8) << "I8" << 1;
    QTest::newRow("U8") << int(lora::DType::U8) << "U8" << 1;
    QTest::newRow("BOOL") << int(lora::DType::Bool) << "BOOL" << 1;
}

void TestSafetensorsReader::dtypeNamesAndSizes()
{
    QFETCH(int, dtype);
    QFETCH(QString, name);
    QFETCH(int, size);
    const auto d = static_cast<lora::DType>(dtype);
    QCOMPARE(QString(lora::dtypeName(d)), name);
    QCOMPARE(lora::dtypeSize(d), size_t(size));
    QCOMPARE(lora::dtypeFromName(name.toStdString()), std::optional(d));
    QCOMPARE(lora::dtypeFromName(name.toLower().toStdString()), std::nullopt);  // the crate is case-sensitive
}

void TestSafetensorsReader::roundTripsEveryDtype_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QList<qint64>>("shape");
    const QList<qint64> shape{2, 3, 5};
    QTest::newRow("F64") << int(lora::DType::F64) << shape;
    QTest::newRow("F32") << int(lora::DType::F32) << shape;
    QTest::newRow("F16") << int(lora::DType::F16) << shape;
    QTest::newRow("BF16") << int(lora::DType::BF16) << shape;
    QTest::newRow("I64") << int(lora::DType::I64) << shape;
    QTest::newRow("I32") << int(lora::DType::I32) << shape;
    QTest::newRow("I16") << int(lora::DType::I16) << shape;
    QTest::newRow("I8") << int(lora::DType::I8) << shape;
    QTest::newRow("U8") << int(lora::DType::U8) << shape;
    QTest::newRow("BOOL") << int(lora::DType::Bool) << shape;
    QTest::newRow("scalar") << int(lora::DType::F32) << QList<qint64>{};
    QTest::newRow("zero-size") << int(lora::DType::F32) << QList<qint64>{4, 0, 3};
}

void TestSafetensorsReader::roundTripsEveryDtype()
{
    QFETCH(int, dtype);
    QFETCH(QList<qint64>, shape);
    const auto d = static_cast<lora::DType>(dtype);
    const std::vector<int64_t> dims(shape.begin(), shape.end());
    int64_t numel = 1;
    for (int64_t dim : dims)
        numel *= dim;
    const auto data = pattern(static_cast<size_t>(numel) * lora::dtypeSize(d), dtype);

    QTemporaryDir dir;
    const std::filesystem::path path = dir.filePath("t.safetensors").toStdString();
    lora::writeSafetensors(path, {{"layer.weight", d, dims, data}});

    const auto file = lora::SafetensorsFile::open(path);
    QCOMPARE(file->path(), path);
    QCOMPARE(file->tensors().size(), size_t(1));
    const lora::TensorInfo* info = file->find("layer.weight");
    QVERIFY(info != nullptr);
    QCOMPARE(info->name, std::string("layer.weight"));
    QCOMPARE(info->dtype, d);
    QCOMPARE(info->shape, dims);
    QCOMPARE(info->numel(), numel);
    QVERIFY(sameBytes(file->bytes(*info), data));
    QVERIFY(file->metadata().empty());
    QVERIFY(file->find("absent") == nullptr);
}

void TestSafetensorsReader::roundTripsSeveralTensorsWithMetadata()
{
    QTemporaryDir dir;
    const std::filesystem::path path = dir.filePath("several.safetensors").toStdString();
    const auto a = pattern(3 * 2, 1);
    const auto b = pattern(7 * 4, 2);
    const auto c = pattern(0, 3);
    const auto d = pattern(1 * 8, 4);
    const std::map<std::string, std::string> metadata{
        {"format", "pt"}, {"note", "quote \" backslash \\ newline \n tab \t and UTF-8 \u00e9\u4e2d"}, {"", ""}};
    // Not alphabetical, and with a zero-size tensor in the middle: order and offsets must survive as given.
    lora::writeSafetensors(path,
                           {{"z.bias", lora::DType::BF16, {3}, a},
                            {"a.weight", lora::DType::F32, {7, 1}, b},
                            {"empty", lora::DType::I64, {0}, c},
                            {"name with \"quotes\" and \u00fcnicode", lora::DType::I64, {1}, d}},
                           metadata);

    const auto file = lora::SafetensorsFile::open(path);
    QCOMPARE(file->metadata(), metadata);
    const auto& t = file->tensors();
    QCOMPARE(t.size(), size_t(4));
    QCOMPARE(t[0].name, std::string("z.bias"));
    QCOMPARE(t[1].name, std::string("a.weight"));
    QCOMPARE(t[2].name, std::string("empty"));
    QCOMPARE(t[3].name, std::string("name with \"quotes\" and \u00fcnicode"));
    QVERIFY(sameBytes(file->bytes(t[0]), a));
    QVERIFY(sameBytes(file->bytes(t[1]), b));
    QVERIFY(file->bytes(t[2]).empty());
    QVERIFY(sameBytes(file->bytes(t[3]), d));

    // Overwriting replaces the file as a whole.
    lora::writeSafetensors(path, {{"only", lora::DType::U8, {2}, pattern(2, 9)}});
    const auto again = lora::SafetensorsFile::open(path);
    QCOMPARE(again->tensors().size(), size_t(1));
    QVERIFY(again->metadata().empty());
    QCOMPARE(filesIn(dir), QStringList{"several.safetensors"});
}

void TestSafetensorsReader::writerLaysOutLikeTheReference()
{
    QTemporaryDir dir;
    const std::filesystem::path path = dir.filePath("layout.safetensors").toStdString();
    const auto x = pattern(3 * 2, 1);
    const auto a = pattern(4, 2);
    lora::writeSafetensors(path, {{"x", lora::DType::F16, {3}, x}, {"a", lora::DType::F32, {1}, a}},
                           {{"k", "v"}});
    const QByteArray bytes = readAll(path);
    quint64 n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(bytes[i]);
    QCOMPARE(n % 8, quint64(0));
    const QByteArray header = bytes.mid(8, static_cast<qsizetype>(n));
    // Byte for byte what safetensors 0.8 writes for this content, padded with spaces to 8 bytes.
    const QByteArray expected = "{\"__metadata__\":{\"k\":\"v\"},"
                                "\"x\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                                "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[6,10]}}";
    QCOMPARE(header.trimmed(), expected);
    QCOMPARE(header.size(), (expected.size() + 7) / 8 * 8);
    QCOMPARE(bytes.size(), qsizetype(8 + n + 10));
    QCOMPARE(bytes.mid(static_cast<qsizetype>(8 + n), 6),
             QByteArray(reinterpret_cast<const char*>(x.data()), 6));
}

void TestSafetensorsReader::acceptsValidEdgeCases_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("names");

    QTest::newRow("no tensors") << safetensorsBytes("{}", {}) << QStringList{};
    QTest::newRow("metadata null (the crate accepts it)")
        << safetensorsBytes("{\"__metadata__\":null," + entry("a", "F32", "[1]", 0, 4) + "}", QByteArray(4, 'x'))
        << QStringList{"a"};
    QTest::newRow("unknown fields are ignored, as the crate does")
        << safetensorsBytes("{\"a\":{\"extra\":{\"deep\":[1,[2,{}]],\"s\":null},\"dtype\":\"F32\",\"shape\":[1],"
                            "\"data_offsets\":[0,4],\"more\":true}}",
                            QByteArray(4, 'x'))
        << QStringList{"a"};
    QTest::newRow("whitespace around the JSON")
        << safetensorsBytes(" \t\n{" + entry("a", "U8", "[2]", 0, 2) + "}\r\n    ", QByteArray(2, 'x'))
        << QStringList{"a"};
    QTest::newRow("zero-size tensors sharing an offset")
        << safetensorsBytes("{" + entry("e1", "F32", "[0]", 4, 4) + "," + entry("a", "F32", "[1]", 0, 4) + "," +
                                entry("e2", "I8", "[3,0]", 4, 4) + "}",
                            QByteArray(4, 'x'))
        << QStringList{"e1", "a", "e2"};
    QTest::newRow("header order kept, data in another order")
        << safetensorsBytes("{" + entry("b", "I16", "[2]", 2, 6) + "," + entry("a", "U8", "[2]", 0, 2) + "}",
                            QByteArray(6, 'x'))
        << QStringList{"b", "a"};
}

void TestSafetensorsReader::acceptsValidEdgeCases()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, names);
    QTemporaryDir dir;
    const auto path = writeFile(dir, "ok.safetensors", content);
    const auto file = lora::SafetensorsFile::open(path);
    QStringList got;
    for (const auto& t : file->tensors()) {
        got << QString::fromStdString(t.name);
        QCOMPARE(file->bytes(t).size(), size_t(t.end - t.begin));
    }
    QCOMPARE(got, names);
}

void TestSafetensorsReader::rejectsMalformedFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("phrases");

    const QByteArray four(4, 'x');
    const QByteArray ok = entry("a", "F32", "[1]", 0, 4);

    QTest::newRow("empty file") << QByteArray() << QStringList{"too short", "0 bytes"};
    QTest::newRow("truncated to 3 bytes") << QByteArray("\x10\x00\x00", 3) << QStringList{"too short"};
    QTest::newRow("header length past the end")
        << (lengthPrefix(100) + "{}") << QStringList{"header length 100", "past the end of the file"};
    QTest::newRow("header length over the limit")
        << (lengthPrefix(lora::kMaxSafetensorsHeaderBytes + 1) + "{}") << QStringList{"over the 100 MiB limit"};
    QTest::newRow("header length 2^64-1") << (lengthPrefix(~quint64(0)) + "{}") << QStringList{"over the"};
    QTest::newRow("header empty") << safetensorsBytes("", {}) << QStringList{"not valid JSON"};
    QTest::newRow("header not JSON") << safetensorsBytes("{\"a\":", {}) << QStringList{"not valid JSON"};
    QTest::newRow("header with trailing garbage")
        << safetensorsBytes("{" + ok + "}x", four) << QStringList{"not valid JSON"};
    QTest::newRow("header padded with NUL")
        << safetensorsBytes("{" + ok + "}" + QByteArray(3, '\0'), four) << QStringList{"not valid JSON", "NUL"};
    QTest::newRow("tensor name not UTF-8")
        << safetensorsBytes("{\"a\xff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", four)
        << QStringList{"not valid JSON"};
    QTest::newRow("header an array") << safetensorsBytes("[]", {}) << QStringList{"must be a JSON object"};
    QTest::newRow("header a number") << safetensorsBytes("5", {}) << QStringList{"must be a JSON object"};
    QTest::newRow("header JSON too deep")
        << safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":" +
                                QByteArray(100, '[') + QByteArray(100, ']') + "}}",
                            four)
        << QStringList{"nested more than 64"};
    QTest::newRow("entry not an object")
        << safetensorsBytes("{\"a\":[1,2]}", {}) << QStringList{"tensor \"a\"", "must be an object"};
    QTest::newRow("missing dtype")
        << safetensorsBytes("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", four)
        << QStringList{"tensor \"a\" has no dtype"};
    QTest::newRow("missing shape")
        << safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", four)
        << QStringList{"tensor \"a\" has no shape"};
    QTest::newRow("missing data_offsets")
        << safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", four)
        << QStringList{"tensor \"a\" has no data_offsets"};
    QTest::newRow("field given twice")
        << safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                            four)
        << QStringList{"\"dtype\" twice"};
    QTest::newRow("unknown dtype")
        << safetensorsBytes("{" + entry("w.weight", "F7", "[1]", 0, 4) + "}", four)
        << QStringList{"tensor \"w.weight\"", "unsupported dtype \"F7\""};
    QTest::newRow("dtype the crate knows but LoRA Studio does not")
        << safetensorsBytes("{" + entry("w", "F8_E4M3", "[1]", 0, 1) + "}", QByteArray(1, 'x'))
        << QStringList{"tensor \"w\"", "unsupported dtype \"F8_E4M3\""};
    QTest::newRow("lower-case dtype")
        << safetensorsBytes("{" + entry("w", "f32", "[1]", 0, 4) + "}", four) << QStringList{"dtype \"f32\""};
    QTest::newRow("dtype not a string")
        << safetensorsBytes("{" + entry("w", "F32", "[1]", 0, 4).replace("\"F32\"", "4") + "}", four)
        << QStringList{"dtype of tensor \"w\" must be a string"};
    QTest::newRow("negative shape")
        << safetensorsBytes("{" + entry("neg", "F32", "[2,-1]", 0, 4) + "}", four)
        << QStringList{"tensor \"neg\"", "negative number -1"};
    QTest::newRow("fractional shape")
        << safetensorsBytes("{" + entry("f", "F32", "[1.5]", 0, 4) + "}", four)
        << QStringList{"tensor \"f\"", "non-negative integers"};
    QTest::newRow("shape not a list")
        << safetensorsBytes("{" + entry("s", "F32", "4", 0, 4) + "}", four)
        << QStringList{"shape of tensor \"s\" must be a list"};
    QTest::newRow("nested shape")
        << safetensorsBytes("{" + entry("s", "F32", "[[1]]", 0, 4) + "}", four)
        << QStringList{"shape of tensor \"s\"", "nested"};
    QTest::newRow("shape dimension over int64")
        << safetensorsBytes("{" + entry("big", "F32", "[9223372036854775808]", 0, 4) + "}", four)
        << QStringList{"tensor \"big\"", "overflows"};
    QTest::newRow("shape product overflows")
        << safetensorsBytes("{" + entry("big", "U8", "[4294967296,4294967296]", 0, 4) + "}", four)
        << QStringList{"tensor \"big\"", "overflows"};
    QTest::newRow("byte size overflows")
        << safetensorsBytes("{" + entry("big", "F64", "[4611686018427387904]", 0, 4) + "}", four)
        << QStringList{"tensor \"big\"", "overflows"};
    QTest::newRow("offsets out of range")
        << safetensorsBytes("{" + entry("far", "F32", "[100]", 0, 400) + "}", four)
        << QStringList{"tensor \"far\"", "past the end of the data area"};
    QTest::newRow("offsets near 2^64")
        << safetensorsBytes("{" + entry("far", "U8", "[4]", 18446744073709551612ull, 18446744073709551615ull) + "}",
                            four)
        << QStringList{"tensor \"far\"", "past the end of the data area"};
    QTest::newRow("offsets reversed")
        << safetensorsBytes("{" + entry("rev", "U8", "[0]", 4, 0) + "}", four)
        << QStringList{"tensor \"rev\"", "reversed"};
    QTest::newRow("offsets not a pair")
        << safetensorsBytes("{\"p\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4,4]}}", four)
        << QStringList{"tensor \"p\"", "[begin, end]"};
    QTest::newRow("offsets negative")
        << safetensorsBytes("{\"p\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[-4,0]}}", four)
        << QStringList{"data_offsets of tensor \"p\"", "negative"};
    QTest::newRow("offsets overlapping")
        << safetensorsBytes("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}",
                            QByteArray(12, 'x'))
        << QStringList{"tensor \"b\"", "overlaps tensor \"a\""};
    QTest::newRow("two tensors on the same bytes")
        << safetensorsBytes("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}",
                            four)
        << QStringList{"overlaps"};
    QTest::newRow("zero-size tensor inside another (the crate refuses it)")
        << safetensorsBytes("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("z", "F32", "[0]", 2, 2) + "}", four)
        << QStringList{"tensor \"z\"", "overlaps"};
    QTest::newRow("size does not match shape")
        << safetensorsBytes("{" + entry("m", "F32", "[2]", 0, 4) + "}", four)
        << QStringList{"tensor \"m\"", "does not match its shape"};
    QTest::newRow("size does not match dtype")
        << safetensorsBytes("{" + entry("m", "F16", "[1]", 0, 4) + "}", four)
        << QStringList{"tensor \"m\"", "does not match"};
    QTest::newRow("hole between tensors")
        << safetensorsBytes("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
                            QByteArray(12, 'x'))
        << QStringList{"bytes [4, 8)", "before tensor \"b\"", "holes"};
    QTest::newRow("bytes after the last tensor")
        << safetensorsBytes("{" + ok + "}", QByteArray(8, 'x')) << QStringList{"last 4 bytes", "no tensor"};
    QTest::newRow("data but no tensors")
        << safetensorsBytes("{}", four) << QStringList{"last 4 bytes", "no tensor"};
    QTest::newRow("tensor listed twice")
        << safetensorsBytes("{" + ok + "," + ok + "}", four) << QStringList{"tensor \"a\" appears twice"};
    QTest::newRow("metadata not strings")
        << safetensorsBytes("{\"__metadata__\":{\"epoch\":1}," + ok + "}", four)
        << QStringList{"\"__metadata__\"", "key \"epoch\" must be a string"};
    QTest::newRow("metadata value an object")
        << safetensorsBytes("{\"__metadata__\":{\"k\":{}}," + ok + "}", four)
        << QStringList{"\"__metadata__\"", "key \"k\" must be a string"};
    QTest::newRow("metadata not an object")
        << safetensorsBytes("{\"__metadata__\":\"pt\"," + ok + "}", four)
        << QStringList{"\"__metadata__\" must be an object"};
    QTest::newRow("metadata twice")
        << safetensorsBytes("{\"__metadata__\":{},\"__metadata__\":{}," + ok + "}", four)
        << QStringList{"\"__metadata__\" appears twice"};
    QTest::newRow("metadata key twice")
        << safetensorsBytes("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}," + ok + "}", four)
        << QStringList{"key \"k\" twice"};
    QTest::newRow("control characters in a name are escaped in the message")
        << safetensorsBytes("{" + entry("bad\\nname", "Q", "[1]", 0, 4) + "}", four)
        << QStringList{"tensor \"bad\\nname\""};
}

void TestSafetensorsReader::rejectsMalformedFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, phrases);
    QTemporaryDir dir;
    const auto path = writeFile(dir, "bad.safetensors", content);
    try {
        lora::SafetensorsFile::open(path);
        QFAIL("opened a malformed file");
    } catch (const lora::Error& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.startsWith(QString::fromStdString(path.string()) + ": "), qPrintable(message));
        for (const QString& phrase : phrases)
            QVERIFY2(message.contains(phrase), qPrintable("missing \"" + phrase + "\" in: " + message));
    }
}

void TestSafetensorsReader::rejectsTooManyTensors()
{
    // One more valid zero-size entry than the limit: the reader must stop at the limit, not at some later
    // validation, so every entry is otherwise acceptable.
    std::string header = "{";
    header.reserve((lora::kMaxSafetensorsTensors + 1) * 56);
    for (size_t i = 0; i <= lora::kMaxSafetensorsTensors; ++i) {
        if (i > 0)
            header += ',';
        header += "\"" + std::to_string(i) + "\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}";
    }
    header += '}';
    QVERIFY(header.size() < lora::kMaxSafetensorsHeaderBytes);
    QTemporaryDir dir;
    const auto path = writeFile(dir, "many.safetensors",
                                safetensorsBytes(QByteArray::fromStdString(header), {}));
    header.clear();
    try {
        lora::SafetensorsFile::open(path);
        QFAIL("opened a file with too many tensors");
    } catch (const lora::Error& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.startsWith(QString::fromStdString(path.string())), qPrintable(message));
        QVERIFY2(message.contains("more than 1048576 tensors"), qPrintable(message));
    }
}

void TestSafetensorsReader::rejectsMissingAndNonRegularFiles()
{
    QTemporaryDir dir;
    const std::filesystem::path missing = dir.filePath("missing.safetensors").toStdString();
    try {
        lora::SafetensorsFile::open(missing);
        QFAIL("opened a missing file");
    } catch (const lora::Error& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.startsWith(QString::fromStdString(missing.string()) + ": cannot open"), qPrintable(message));
    }
    const std::filesystem::path folder = dir.path().toStdString();
    try {
        lora::SafetensorsFile::open(folder);
        QFAIL("opened a folder");
    } catch (const lora::Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("not a regular file"), e.what());
    }
}

void TestSafetensorsReader::bytesRefusesAForeignTensor()
{
    QTemporaryDir dir;
    const std::filesystem::path small = dir.filePath("small.safetensors").toStdString();
    const std::filesystem::path big = dir.filePath("big.safetensors").toStdString();
    lora::writeSafetensors(small, {{"s", lora::DType::U8, {1}, pattern(1, 0)}});
    lora::writeSafetensors(big, {{"b", lora::DType::U8, {64}, pattern(64, 0)}});
    const auto smallFile = lora::SafetensorsFile::open(small);
    const auto bigFile = lora::SafetensorsFile::open(big);
    QVERIFY_THROWS_EXCEPTION(lora::Error, smallFile->bytes(bigFile->tensors().front()));
}

void TestSafetensorsReader::writerRejectsInvalidInput_data()
{
    QTest::addColumn<QString>("name2");
    QTest::addColumn<int>("dtype2");
    QTest::addColumn<QList<qint64>>("shape2");
    QTest::addColumn<int>("bytes2");
    QTest::addColumn<QString>("phrase");

    // Each row is the second of two tensors; the first ("first", U8 [4]) is always valid.
    QTest::newRow("size does not match shape") << "w" << int(lora::DType::F32) << QList<qint64>{2, 2} << 12
                                               << "tensor \"w\" has 12 bytes of data, which does not match";
    QTest::newRow("size does not match dtype")
        << "w" << int(lora::DType::F16) << QList<qint64>{4} << 4 << "does not match its shape and dtype F16";
    QTest::newRow("duplicate name") << "first" << int(lora::DType::U8) << QList<qint64>{4} << 4
                                    << "tensor \"first\" is given twice";
    QTest::newRow("negative dimension") << "n" << int(lora::DType::U8) << QList<qint64>{-1} << 0
                                        << "negative dimension -1";
    QTest::newRow("overflowing shape") << "o" << int(lora::DType::U8) << QList<qint64>{1ll << 40, 1ll << 40}
                                       << 0 << "overflows";
    QTest::newRow("reserved name") << "__metadata__" << int(lora::DType::U8) << QList<qint64>{1} << 1
                                   << "cannot be named \"__metadata__\"";
    QTest::newRow("name not UTF-8") << QString() << int(lora::DType::U8) << QList<qint64>{1} << 1
                                    << "is not valid UTF-8";
}

void TestSafetensorsReader::writerRejectsInvalidInput()
{
    QFETCH(QString, name2);
    QFETCH(int, dtype2);
    QFETCH(QList<qint64>, shape2);
    QFETCH(int, bytes2);
    QFETCH(QString, phrase);
    const std::string name = name2.isNull() ? std::string("bad\xff") : name2.toStdString();
    const auto first = pattern(4, 1);
    const auto second = pattern(static_cast<size_t>(bytes2), 2);
    QTemporaryDir dir;
    const std::filesystem::path path = dir.filePath("out.safetensors").toStdString();
    try {
        lora::writeSafetensors(path, {{"first", lora::DType::U8, {4}, first},
                                      {name, static_cast<lora::DType>(dtype2),
                                       std::vector<int64_t>(shape2.begin(), shape2.end()), second}});
        QFAIL("wrote invalid tensors");
    } catch (const lora::Error& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.startsWith(QString::fromStdString(path.string()) + ": "), qPrintable(message));
        QVERIFY2(message.contains(phrase), qPrintable("missing \"" + phrase + "\" in: " + message));
    }
    QCOMPARE(filesIn(dir), QStringList{});
}

QTEST_GUILESS_MAIN(TestSafetensorsReader)
#include "test_safetensors_reader.moc"
