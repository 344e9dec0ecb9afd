// Batches: padding, attention masks and labels; epoch order determinism; resuming from a position
// reproduces the rest of the stream exactly.
#include <QtTest/QtTest>

#include <algorithm>
#include <set>

#include "lora/dataset.h"
#include "lora/error.h"

using lora::Batch;
using lora::Batcher;
using lora::BatcherOptions;
using lora::DataPosition;
using lora::Example;

namespace {

Example causal(std::vector<int32_t> ids, std::vector<int32_t> labels = {})
{
    Example ex;
    ex.labels = labels.empty() ? ids : std::move(labels);
    ex.inputIds = std::move(ids);
    return ex;
}

Example classified(std::vector<int32_t> ids, int32_t classId)
{
    Example ex;
    ex.inputIds = std::move(ids);
    ex.classId = classId;
    return ex;
}

std::vector<Example> numbered(size_t count)
{
    std::vector<Example> out;
    for (size_t i = 0; i < count; ++i) out.push_back(causal(std::vector<int32_t>(1 + i % 5, int32_t(i))));
    return out;
}

QVector<qint64> qt(const std::vector<int64_t>& v) { return QVector<qint64>(v.begin(), v.end()); }
QVector<qsizetype> qt(const std::vector<size_t>& v)
{
    QVector<qsizetype> out;
    for (size_t x : v) out << qsizetype(x);
    return out;
}

// Everything the trainer sees from a batch, for comparing streams.
QString describe(const Batch& b)
{
    QStringList parts;
    parts << QString("%1/%2 %3x%4").arg(b.position.epoch).arg(b.position.batch).arg(b.rows).arg(b.columns);
    for (const auto* v : {&b.inputIds, &b.attentionMask, &b.labels, &b.classIds}) {
        QStringList xs;
        for (int64_t x : *v) xs << QString::number(x);
        parts << xs.join(",");
    }
    return parts.join(" | ");
}

}  // namespace

class TestBatcher final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void padsAndMasks()
    {
        const std::vector<Example> examples = {causal({1, 2, 3}, {-100, 2, 3}), causal({4, 5, 6, 7, 8}), causal({9, 10})};
        BatcherOptions options;
        options.batchSize = 3;
        options.shuffle = false;
        options.padId = 99;
        Batcher batcher(examples, options);
        QCOMPARE(batcher.batchesPerEpoch(), uint64_t(1));
        const Batch b = batcher.next();
        QCOMPARE(b.task, lora::TaskKind::CausalLM);
        QCOMPARE(b.rows, int64_t(3));
        QCOMPARE(b.columns, int64_t(5));
        QCOMPARE((b.shape()), (std::array<int64_t, 2>{3, 5}));
        QCOMPARE(qt(b.inputIds), (QVector<qint64>{1, 2, 3, 99, 99, 4, 5, 6, 7, 8, 9, 10, 99, 99, 99}));
        QCOMPARE(qt(b.attentionMask), (QVector<qint64>{1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}));
        QCOMPARE(qt(b.labels), (QVector<qint64>{-100, 2, 3, -100, -100, 4, 5, 6, 7, 8, 9, 10, -100, -100, -100}));
        QVERIFY(b.classIds.empty());
        QCOMPARE(qt(b.exampleIndices), (QVector<qsizetype>{0, 1, 2}));
        QCOMPARE(b.position, (DataPosition{0, 0}));
        QCOMPARE(batcher.position(), (DataPosition{1, 0}));
    }

    void padsToMultiple()
    {
        const std::vector<Example> examples = {causal({1, 2, 3})};
        BatcherOptions options;
        options.batchSize = 4;
        options.padToMultipleOf = 8;
        const Batch b = Batcher(examples, options).next();
        QCOMPARE(b.rows, int64_t(1));
        QCOMPARE(b.columns, int64_t(8));
        QCOMPARE(qt(b.attentionMask), (QVector<qint64>{1, 1, 1, 0, 0, 0, 0, 0}));
        QCOMPARE(qt(b.labels), (QVector<qint64>{1, 2, 3, -100, -100, -100, -100, -100}));
    }

    void classificationBatches()
    {
        const std::vector<Example> examples = {classified({5, 6}, 1), classified({7}, 0)};
        BatcherOptions options;
        options.batchSize = 2;
        options.shuffle = false;
        const Batch b = Batcher(examples, options).next();
        QCOMPARE(b.task, lora::TaskKind::Classification);
        QCOMPARE(qt(b.inputIds), (QVector<qint64>{5, 6, 7, 0}));
        QCOMPARE(qt(b.attentionMask), (QVector<qint64>{1, 1, 1, 0}));
        QVERIFY(b.labels.empty());
        QCOMPARE(qt(b.classIds), (QVector<qint64>{1, 0}));
    }

    void batchCounts_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("batchSize");
        QTest::addColumn<bool>("dropLast");
        QTest::addColumn<int>("batches");
        QTest::addColumn<int>("lastRows");
        QTest::newRow("exact") << 12 << 4 << false << 3 << 4;
        QTest::newRow("short last") << 10 << 4 << false << 3 << 2;
        QTest::newRow("drop last") << 10 << 4 << true << 2 << 4;
        QTest::newRow("batch larger than data") << 3 << 8 << false << 1 << 3;
    }

    void batchCounts()
    {
        QFETCH(int, count);
        QFETCH(int, batchSize);
        QFETCH(bool, dropLast);
        QFETCH(int, batches);
        QFETCH(int, lastRows);
        const auto examples = numbered(size_t(count));
        BatcherOptions options;
        options.batchSize = size_t(batchSize);
        options.dropLast = dropLast;
        Batcher batcher(examples, options);
        QCOMPARE(batcher.batchesPerEpoch(), uint64_t(batches));
        std::multiset<size_t> seen;
        Batch b;
        for (int i = 0; i < batches; ++i) {
            b = batcher.next();
            seen.insert(b.exampleIndices.begin(), b.exampleIndices.end());
        }
        QCOMPARE(int(b.rows), lastRows);
        QCOMPARE(batcher.position(), (DataPosition{1, 0}));
        // Each example at most once per epoch; all of them unless the short batch was dropped.
        QCOMPARE(int(seen.size()), dropLast ? batches * batchSize : count);
        QCOMPARE(seen.size(), std::set<size_t>(seen.begin(), seen.end()).size());
    }

    void epochOrderIsDeterministic()
    {
        const auto examples = numbered(50);
        BatcherOptions options;
        options.seed = 7;
        const Batcher a(examples, options);
        const Batcher b(examples, options);
        for (uint64_t epoch = 0; epoch < 4; ++epoch) {
            const auto order = a.epochOrder(epoch);
            QCOMPARE(qt(order), qt(b.epochOrder(epoch)));
            auto sorted = order;
            std::sort(sorted.begin(), sorted.end());
            for (size_t i = 0; i < sorted.size(); ++i) QCOMPARE(sorted[i], i);  // a permutation
        }
        QVERIFY(qt(a.epochOrder(0)) != qt(a.epochOrder(1)));
        options.seed = 8;
        QVERIFY(qt(a.epochOrder(0)) != qt(Batcher(examples, options).epochOrder(0)));
        options.shuffle = false;
        const auto unshuffled = Batcher(examples, options).epochOrder(3);
        QVERIFY(std::is_sorted(unshuffled.begin(), unshuffled.end()));
    }

    // From an independent Python implementation: epoch e is shuffled with
    // SplitMix64(SplitMix64(seed).next() ^ e).next() as seed, Fisher-Yates from the back.
    void epochOrderMatchesReference()
    {
        const auto examples = numbered(10);
        BatcherOptions options;
        options.seed = 7;
        const Batcher batcher(examples, options);
        QCOMPARE(qt(batcher.epochOrder(0)), (QVector<qsizetype>{2, 0, 5, 7, 3, 9, 8, 1, 4, 6}));
        QCOMPARE(qt(batcher.epochOrder(1)), (QVector<qsizetype>{4, 7, 5, 3, 1, 9, 6, 0, 8, 2}));
    }

    void subsetOnly()
    {
        const auto examples = numbered(30);
        const auto split = lora::splitTrainValidation(examples.size(), 0.3, 11);
        BatcherOptions options;
        options.batchSize = 4;
        Batcher batcher(examples, split.train, options);
        const std::set<size_t> train(split.train.begin(), split.train.end());
        std::set<size_t> seen;
        for (uint64_t i = 0; i < batcher.batchesPerEpoch(); ++i) {
            for (size_t index : batcher.next().exampleIndices) {
                QVERIFY(train.contains(index));
                seen.insert(index);
            }
        }
        QCOMPARE(seen, train);
    }

    void resumeReproducesTheStream_data()
    {
        QTest::addColumn<int>("consumed");
        QTest::newRow("start") << 0;
        QTest::newRow("mid epoch") << 3;
        QTest::newRow("epoch boundary") << 7;  // 7 batches per epoch
        QTest::newRow("second epoch") << 12;
    }

    void resumeReproducesTheStream()
    {
        QFETCH(int, consumed);
        const auto examples = numbered(26);
        BatcherOptions options;
        options.batchSize = 4;
        options.seed = 1234;
        Batcher original(examples, options);
        QCOMPARE(original.batchesPerEpoch(), uint64_t(7));
        for (int i = 0; i < consumed; ++i) original.next();
        const DataPosition saved = original.position();
        QCOMPARE(saved, (DataPosition{uint64_t(consumed / 7), uint64_t(consumed % 7)}));
        QStringList rest;
        for (int i = 0; i < 20; ++i) rest << describe(original.next());

        // A new process: same examples and options, seek to the saved position.
        Batcher resumed(examples, options);
        QCOMPARE(resumed.fingerprint(), original.fingerprint());
        resumed.seek(saved);
        QStringList again;
        for (int i = 0; i < 20; ++i) again << describe(resumed.next());
        QCOMPARE(again, rest);
    }

    void seekRejectsPositionsOutsideAnEpoch()
    {
        const auto examples = numbered(10);
        BatcherOptions options;
        options.batchSize = 4;
        Batcher batcher(examples, options);
        batcher.seek({5, 2});
        QCOMPARE(batcher.next().position, (DataPosition{5, 2}));
        QCOMPARE(batcher.position(), (DataPosition{6, 0}));
        QVERIFY_THROWS_EXCEPTION(lora::Error, batcher.seek({0, 3}));
    }

    void fingerprintTracksTheStream()
    {
        auto examples = numbered(20);
        BatcherOptions options;
        const uint64_t base = Batcher(examples, options).fingerprint();
        QCOMPARE(Batcher(examples, options).fingerprint(), base);
        options.batchSize = 9;
        QVERIFY(Batcher(examples, options).fingerprint() != base);
        options.batchSize = BatcherOptions().batchSize;
        options.seed = 1;
        QVERIFY(Batcher(examples, options).fingerprint() != base);
        options.seed = 0;
        QVERIFY(Batcher(examples, {0, 1, 2}, options).fingerprint() != base);
        examples[4].inputIds.push_back(1);
        examples[4].labels.push_back(1);
        QVERIFY(Batcher(examples, options).fingerprint() != base);
    }

    void rejectsUnusableInput()
    {
        const auto examples = numbered(5);
        BatcherOptions options;
        QVERIFY_THROWS_EXCEPTION(lora::Error, Batcher(examples, std::vector<size_t>{}, options));
        QVERIFY_THROWS_EXCEPTION(lora::Error, Batcher(examples, {0, 5}, options));
        const std::vector<Example> mixed = {causal({1, 2}), classified({3}, 0)};
        QVERIFY_THROWS_EXCEPTION(lora::Error, Batcher(mixed, options));
        options.batchSize = 0;
        QVERIFY_THROWS_EXCEPTION(lora::Error, Batcher(examples, options));
        options.batchSize = 8;
        options.dropLast = true;
        QVERIFY_THROWS_EXCEPTION(lora::Error, Batcher(examples, options));
    }
};

QTEST_GUILESS_MAIN(TestBatcher)
#include "test_batcher.moc"
