// SafetensorsCheckpoint: which file(s) of a model folder hold the weights, sharded indexes validated as
// untrusted input, and pickle-only folders refused with a way out.
#include "lora/error.h"
#include "lora/safetensors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

namespace {

namespace fs = std::filesystem;

fs::path pathOf(const QTemporaryDir& dir, const QString& name = {})
{
    return fs::path((name.isEmpty() ? dir.path() : dir.filePath(name)).toStdString());
}

void writeText(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
}

// One U8 tensor per name, its bytes all equal to `fill`, so tests can tell which shard a view points into.
void writeShard(const QTemporaryDir& dir, const QString& name, const QStringList& tensors, unsigned char fill)
{
    std::vector<std::vector<std::byte>> data;
    std::vector<lora::TensorToWrite> toWrite;
    data.reserve(tensors.size());
    for (const QString& t : tensors) {
        data.emplace_back(3, static_cast<std::byte>(fill));
        toWrite.push_back({t.toStdString(), lora::DType::U8, {3}, data.back()});
    }
    lora::writeSafetensors(pathOf(dir, name), toWrite);
}

QByteArray indexJson(const QList<QPair<QString, QString>>& weightMap)
{
    QByteArray json = "{\"metadata\":{\"total_size\":12,\"nested\":{\"ignored\":[1,2,3]}},\"weight_map\":{";
    for (qsizetype i = 0; i < weightMap.size(); ++i) {
        if (i > 0)
            json += ',';
        json += "\"" + weightMap[i].first.toUtf8() + "\":\"" + weightMap[i].second.toUtf8() + "\"";
    }
    return json + "}}";
}

// Runs open() expecting a lora::Error; returns its message (or fails the test).
QString openError(const fs::path& path)
{
    try {
        lora::SafetensorsCheckpoint::open(path);
    } catch (const lora::Error& e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("<no error>");
}

QStringList names(const lora::SafetensorsCheckpoint& ckpt)
{
    QStringList result;
    for (const auto& n : ckpt.names())
        result << QString::fromStdString(n);
    return result;
}

unsigned char firstByte(const lora::SafetensorsCheckpoint& ckpt, const std::string& name)
{
    const auto* entry = ckpt.find(name);
    if (entry == nullptr)
        return 0;
    return std::to_integer<unsigned char>(entry->file->bytes(*entry->info).front());
}

}  // namespace

class TestSafetensorsCheckpoint final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void opensModelSafetensors();
    void opensAFileDirectly();
    void opensTheOnlySafetensorsFile();
    void preferencesBetweenCandidates();
    void opensShardedIndex();
    void opensIndexGivenDirectly();
    void rejectsBadIndexes_data();
    void rejectsBadIndexes();
    void refusesPickleOnlyFolders_data();
    void refusesPickleOnlyFolders();
    void rejectsEmptyMissingAndAmbiguous();
    void reportsACorruptShardByItsPath();
};

void TestSafetensorsCheckpoint::opensModelSafetensors()
{
    QTemporaryDir dir;
    writeShard(dir, "model.safetensors", {"b.weight", "a.weight"}, 7);
    writeText(dir, "config.json", "{}");
    const auto ckpt = lora::SafetensorsCheckpoint::open(pathOf(dir));
    QCOMPARE(names(ckpt), (QStringList{"a.weight", "b.weight"}));  // sorted
    QCOMPARE(ckpt.files().size(), size_t(1));
    QCOMPARE(ckpt.files().front()->path(), pathOf(dir, "model.safetensors"));
    QCOMPARE(firstByte(ckpt, "a.weight"), 7);
    const auto* entry = ckpt.find("b.weight");
    QVERIFY(entry != nullptr);
    QCOMPARE(entry->file, ckpt.files().front().get());
    QCOMPARE(entry->info->shape, std::vector<int64_t>{3});
    QVERIFY(ckpt.find("c.weight") == nullptr);
}

void TestSafetensorsCheckpoint::opensAFileDirectly()
{
    QTemporaryDir dir;
    writeShard(dir, "weights.safetensors", {"w"}, 3);
    const auto ckpt = lora::SafetensorsCheckpoint::open(pathOf(dir, "weights.safetensors"));
    QCOMPARE(names(ckpt), QStringList{"w"});
    QCOMPARE(firstByte(ckpt, "w"), 3);
}

void TestSafetensorsCheckpoint::opensTheOnlySafetensorsFile()
{
    QTemporaryDir dir;
    writeShard(dir, "adapter_model.safetensors", {"x"}, 5);
    writeText(dir, "training_args.bin", "not looked at");  // a pickle beside safetensors is simply ignored
    const auto ckpt = lora::SafetensorsCheckpoint::open(pathOf(dir));
    QCOMPARE(ckpt.files().front()->path(), pathOf(dir, "adapter_model.safetensors"));
    QCOMPARE(names(ckpt), QStringList{"x"});
}

void TestSafetensorsCheckpoint::preferencesBetweenCandidates()
{
    // model.safetensors wins over an index and over other files, as transformers resolves it.
    QTemporaryDir dir;
    writeShard(dir, "model.safetensors", {"single"}, 1);
    writeShard(dir, "other.safetensors", {"other"}, 2);
    writeText(dir, "model.safetensors.index.json", indexJson({{"other", "other.safetensors"}}));
    writeText(dir, "pytorch_model.bin", "pickle");
    QCOMPARE(names(lora::SafetensorsCheckpoint::open(pathOf(dir))), QStringList{"single"});

    // Without model.safetensors the standard index wins over any other index.
    QVERIFY(QFile::remove(dir.filePath("model.safetensors")));
    writeText(dir, "other.safetensors.index.json", indexJson({{"nope", "missing.safetensors"}}));
    QCOMPARE(names(lora::SafetensorsCheckpoint::open(pathOf(dir))), QStringList{"other"});
}

void TestSafetensorsCheckpoint::opensShardedIndex()
{
    QTemporaryDir dir;
    writeShard(dir, "model-00001-of-00002.safetensors", {"embed", "layer.0", "unlisted"}, 1);
    writeShard(dir, "model-00002-of-00002.safetensors", {"layer.1", "head"}, 2);
    writeText(dir, "model.safetensors.index.json",
              indexJson({{"embed", "model-00001-of-00002.safetensors"},
                         {"layer.0", "model-00001-of-00002.safetensors"},
                         {"layer.1", "model-00002-of-00002.safetensors"},
                         {"head", "model-00002-of-00002.safetensors"}}));
    auto ckpt = lora::SafetensorsCheckpoint::open(pathOf(dir));
    // weight_map is the list of the model's tensors; "unlisted" is in a shard but not part of the model.
    QCOMPARE(names(ckpt), (QStringList{"embed", "head", "layer.0", "layer.1"}));
    QCOMPARE(ckpt.files().size(), size_t(2));  // each shard mapped once
    QCOMPARE(ckpt.files()[0]->path(), pathOf(dir, "model-00001-of-00002.safetensors"));
    QCOMPARE(ckpt.files()[1]->path(), pathOf(dir, "model-00002-of-00002.safetensors"));
    QCOMPARE(firstByte(ckpt, "embed"), 1);
    QCOMPARE(firstByte(ckpt, "layer.0"), 1);
    QCOMPARE(firstByte(ckpt, "layer.1"), 2);
    QCOMPARE(firstByte(ckpt, "head"), 2);
    QCOMPARE(ckpt.find("embed")->file, ckpt.find("layer.0")->file);
    QVERIFY(ckpt.find("unlisted") == nullptr);

    // Entries stay valid when the checkpoint is moved.
    const auto moved = std::move(ckpt);
    QCOMPARE(firstByte(moved, "head"), 2);
}

void TestSafetensorsCheckpoint::opensIndexGivenDirectly()
{
    QTemporaryDir dir;
    writeShard(dir, "a.safetensors", {"a"}, 4);
    writeShard(dir, "b.safetensors", {"b"}, 5);
    writeText(dir, "diffusion_pytorch_model.safetensors.index.json",
              indexJson({{"a", "a.safetensors"}, {"b", "b.safetensors"}}));
    const auto direct =
        lora::SafetensorsCheckpoint::open(pathOf(dir, "diffusion_pytorch_model.safetensors.index.json"));
    QCOMPARE(names(direct), (QStringList{"a", "b"}));
    // And as the only index of a folder.
    QCOMPARE(names(lora::SafetensorsCheckpoint::open(pathOf(dir))), (QStringList{"a", "b"}));
}

void TestSafetensorsCheckpoint::rejectsBadIndexes_data()
{
    QTest::addColumn<QByteArray>("index");
    QTest::addColumn<QStringList>("phrases");
    // Every row's folder has shard.safetensors holding "a" and "b".
    QTest::newRow("missing shard") << indexJson({{"a", "shard.safetensors"}, {"b", "gone.safetensors"}})
                                   << QStringList{"shard \"gone.safetensors\"", "tensor \"b\"", "missing"};
    QTest::newRow("tensor listed but absent")
        << indexJson({{"a", "shard.safetensors"}, {"c", "shard.safetensors"}})
        << QStringList{"tensor \"c\" is listed in shard \"shard.safetensors\"", "does not contain it"};
    QTest::newRow("shard outside the folder") << indexJson({{"a", "../x.safetensors"}})
                                              << QStringList{"\"../x.safetensors\"", "not a plain file name"};
    QTest::newRow("shard in a subfolder") << indexJson({{"a", "sub/shard.safetensors"}})
                                          << QStringList{"not a plain file name"};
    QTest::newRow("absolute shard path") << indexJson({{"a", "/etc/x.safetensors"}})
                                         << QStringList{"not a plain file name"};
    QTest::newRow("backslash in shard name") << indexJson({{"a", "..\\\\x.safetensors"}})
                                             << QStringList{"not a plain file name"};
    QTest::newRow("shard is '..'") << indexJson({{"a", ".."}}) << QStringList{"not a plain file name"};
    QTest::newRow("empty shard name") << indexJson({{"a", ""}}) << QStringList{"not a plain file name"};
    QTest::newRow("shard is a pickle") << indexJson({{"a", "pytorch_model.bin"}})
                                       << QStringList{"\"pytorch_model.bin\"", "not a .safetensors file"};
    QTest::newRow("shard name not a string") << QByteArray("{\"weight_map\":{\"a\":1}}")
                                             << QStringList{"tensor \"a\"", "not a file name"};
    QTest::newRow("no weight_map") << QByteArray("{\"metadata\":{}}") << QStringList{"\"weight_map\""};
    QTest::newRow("weight_map not an object") << QByteArray("{\"weight_map\":[]}") << QStringList{"\"weight_map\""};
    QTest::newRow("empty weight_map") << QByteArray("{\"weight_map\":{}}") << QStringList{"lists no tensors"};
    QTest::newRow("index not JSON") << QByteArray("{\"weight_map\":") << QStringList{"not valid JSON"};
    QTest::newRow("index with a NUL") << (indexJson({{"a", "shard.safetensors"}}) + QByteArray(1, '\0') + "junk")
                                      << QStringList{"not valid JSON", "NUL"};
    QTest::newRow("index an array") << QByteArray("[]") << QStringList{"not a safetensors index"};
    QTest::newRow("index nested too deep")
        << QByteArray("{\"metadata\":" + QByteArray(200, '[') + QByteArray(200, ']') + ",\"weight_map\":{}}")
        << QStringList{"nested more than 64"};
}

void TestSafetensorsCheckpoint::rejectsBadIndexes()
{
    QFETCH(QByteArray, index);
    QFETCH(QStringList, phrases);
    QTemporaryDir dir;
    writeShard(dir, "shard.safetensors", {"a", "b"}, 1);
    writeText(dir, "model.safetensors.index.json", index);
    const QString message = openError(pathOf(dir));
    QVERIFY2(message.startsWith(dir.filePath("model.safetensors.index.json") + ": "), qPrintable(message));
    for (const QString& phrase : phrases)
        QVERIFY2(message.contains(phrase), qPrintable("missing \"" + phrase + "\" in: " + message));
}

void TestSafetensorsCheckpoint::refusesPickleOnlyFolders_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::newRow("pytorch_model.bin") << QStringList{"pytorch_model.bin", "config.json"};
    QTest::newRow("sharded bins") << QStringList{"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin",
                                                 "pytorch_model.bin.index.json"};
    QTest::newRow("pt") << QStringList{"model.pt"};
    QTest::newRow("pth") << QStringList{"weights.pth"};
    QTest::newRow("ckpt") << QStringList{"last.ckpt"};
}

void TestSafetensorsCheckpoint::refusesPickleOnlyFolders()
{
    QFETCH(QStringList, files);
    QTemporaryDir dir;
    for (const QString& f : files)
        writeText(dir, f, "\x80\x04pickle");
    const QString message = openError(pathOf(dir));
    QVERIFY2(message.startsWith(dir.path() + ": "), qPrintable(message));
    for (const QString& phrase :
         {QStringLiteral("pickle"), QStringLiteral("arbitrary code"), QStringLiteral("safetensors"),
          QStringLiteral("from_pretrained('") + dir.path() + "')", QStringLiteral("safe_serialization=True"),
          files.front()})
        QVERIFY2(message.contains(phrase), qPrintable("missing \"" + phrase + "\" in: " + message));

    // Pointing at the pickle itself is refused the same way.
    const QString direct = openError(pathOf(dir, files.front()));
    QVERIFY2(direct.contains("arbitrary code") && direct.contains("safe_serialization=True"), qPrintable(direct));
}

void TestSafetensorsCheckpoint::rejectsEmptyMissingAndAmbiguous()
{
    QTemporaryDir dir;
    QString message = openError(pathOf(dir));
    QVERIFY2(message.startsWith(dir.path() + ": no model weights found"), qPrintable(message));
    QVERIFY2(message.contains("model.safetensors"), qPrintable(message));

    writeText(dir, "config.json", "{}");
    QVERIFY2(openError(pathOf(dir)).contains("no model weights found"), qPrintable(openError(pathOf(dir))));

    message = openError(pathOf(dir, "nothing-here"));
    QVERIFY2(message == dir.filePath("nothing-here") + ": no such file or folder", qPrintable(message));

    message = openError(pathOf(dir, "config.json"));
    QVERIFY2(message.contains("not a .safetensors file"), qPrintable(message));

    writeShard(dir, "one.safetensors", {"a"}, 1);
    writeShard(dir, "two.safetensors", {"b"}, 2);
    message = openError(pathOf(dir));
    QVERIFY2(message.contains("several .safetensors files (one.safetensors, two.safetensors)"), qPrintable(message));

    writeText(dir, "one.safetensors.index.json", indexJson({{"a", "one.safetensors"}}));
    writeText(dir, "two.safetensors.index.json", indexJson({{"b", "two.safetensors"}}));
    message = openError(pathOf(dir));
    QVERIFY2(message.contains("several safetensors indexes"), qPrintable(message));
}

void TestSafetensorsCheckpoint::reportsACorruptShardByItsPath()
{
    QTemporaryDir dir;
    writeShard(dir, "good.safetensors", {"a"}, 1);
    writeText(dir, "bad.safetensors", QByteArray("\x02\x00\x00\x00\x00\x00\x00\x00{}", 10) + "trailing");
    writeText(dir, "model.safetensors.index.json",
              indexJson({{"a", "good.safetensors"}, {"b", "bad.safetensors"}}));
    const QString message = openError(pathOf(dir));
    QVERIFY2(message.startsWith(dir.filePath("bad.safetensors") + ": "), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestSafetensorsCheckpoint)
#include "test_safetensors_checkpoint.moc"
