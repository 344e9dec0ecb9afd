// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT: what a single process reads, what a torchrun rank
// reads, and a clear error naming the variable for each bad or missing value.
#include "lora/distributed.h"
#include "lora/error.h"

#include <QtTest/QtTest>

#include <map>

using Variables = std::map<std::string, std::string>;
Q_DECLARE_METATYPE(Variables)

namespace {

lora::DistributedEnv parse(const Variables& variables)
{
    return lora::parseDistributedEnv([&](const std::string& name) -> std::optional<std::string> {
        const auto it = variables.find(name);
        if (it == variables.end())
            return std::nullopt;
        return it->second;
    });
}

Variables torchrun(const std::string& rank, const std::string& world)
{
    return {{"RANK", rank}, {"WORLD_SIZE", world}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "29511"}};
}

}  // namespace

class TestDistributedEnv final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aloneWithoutWorldSize()
    {
        const auto env = parse({{"RANK", "3"}, {"MASTER_PORT", "not read"}});
        QVERIFY(!env.isParallel());
        QCOMPARE(env.worldSize, 1);
        QCOMPARE(env.rank, 0);
        QVERIFY(!parse({{"WORLD_SIZE", "1"}, {"RANK", "garbage"}}).isParallel());
    }

    void torchrunRank()
    {
        auto variables = torchrun("1", "4");
        variables["LOCAL_RANK"] = "0";
        variables["MASTER_ADDR"] = "node-7";
        const auto env = parse(variables);
        QVERIFY(env.isParallel());
        QCOMPARE(env.rank, 1);
        QCOMPARE(env.worldSize, 4);
        QCOMPARE(env.localRank, 0);
        QCOMPARE(env.masterAddr, std::string("node-7"));
        QCOMPARE(env.masterPort, 29511);
    }

    void torchrunAgentHostsTheStore()
    {
        auto variables = torchrun("0", "2");
        QVERIFY(!parse(variables).launcherHostsStore);  // a script's rank 0 serves the store itself
        variables["TORCHELASTIC_USE_AGENT_STORE"] = "True";
        QVERIFY(parse(variables).launcherHostsStore);
    }

    void localRankDefaultsToRank() { QCOMPARE(parse(torchrun("2", "3")).localRank, 2); }

    void badValuesNameTheVariable_data()
    {
        QTest::addColumn<Variables>("variables");
        QTest::addColumn<QString>("expected");
        Variables noPort = torchrun("0", "2");
        noPort.erase("MASTER_PORT");
        Variables noAddr = torchrun("0", "2");
        noAddr.erase("MASTER_ADDR");
        Variables noRank = torchrun("0", "2");
        noRank.erase("RANK");
        Variables port = torchrun("0", "2");
        port["MASTER_PORT"] = "70000";
        Variables localRank = torchrun("0", "2");
        localRank["LOCAL_RANK"] = "-1";
        QTest::newRow("world not a number") << torchrun("0", "two") << "WORLD_SIZE: 'two' is not a whole number";
        QTest::newRow("world zero") << torchrun("0", "0") << "WORLD_SIZE: '0' is out of range";
        QTest::newRow("rank past world") << torchrun("2", "2") << "RANK: '2' is out of range (0 to 1)";
        QTest::newRow("rank with junk") << torchrun("1x", "2") << "RANK: '1x' is not a whole number";
        QTest::newRow("rank missing") << noRank << "RANK: is not set";
        QTest::newRow("port missing") << noPort << "MASTER_PORT: is not set";
        QTest::newRow("port out of range") << port << "MASTER_PORT: '70000' is out of range (1 to 65535)";
        QTest::newRow("address missing") << noAddr << "MASTER_ADDR: is not set";
        QTest::newRow("local rank negative") << localRank << "LOCAL_RANK: '-1' is out of range";
    }

    void badValuesNameTheVariable()
    {
        QFETCH(Variables, variables);
        QFETCH(QString, expected);
        try {
            parse(variables);
            QFAIL("no error");
        } catch (const lora::Error& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(expected), qPrintable(message));
            QVERIFY2(message.contains("torchrun"), qPrintable(message));  // says how to launch it right
        }
    }

    void rendezvousFailureIsAnError()
    {
        // Rank 1 waits for a rank 0 that never comes: after the timeout, an error naming the endpoint, no hang.
        auto env = parse(torchrun("1", "2"));
        env.masterPort = 1;  // nothing listens on port 1 here
        try {
            lora::ProcessGroup::connect(env, "cpu", std::chrono::seconds(2));
            QFAIL("connected to nothing");
        } catch (const lora::Error& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains("127.0.0.1:1"), qPrintable(message));
            QVERIFY2(message.contains("MASTER_ADDR"), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(TestDistributedEnv)
#include "test_distributed_env.moc"
