// SPDX-License-Identifier: MIT
// confab-server processes as nodes of one network (--cluster) on a throw-away redis-server: two
// clients on two nodes racing for one nick end with exactly one winner, a hundred times over; a
// nick given up on one node is free on the others; the nicks of a node killed with SIGKILL are
// freed once its lease runs out; while Redis is away, new nicks get 437 and chat on a node goes
// on, and nicks work again once Redis is back.

#include "rawclient.h"
#include "serverprocess.h"
#include "throwawaypostgres.h"
#include "throwawayredis.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

const QString Binary = QStringLiteral(CONFAB_SERVER_BINARY);

struct Node {
    QProcess process;
    QHostAddress host;
    quint16 port = 0;
};

// NICK and USER, then whichever comes first: the welcome (001), 433 or 437.
QByteArray tryNick(RawClient &c, const QByteArray &nick, bool withUser = true)
{
    c.send("NICK " + nick);
    if (withUser)
        c.send("USER " + nick + " 0 * :" + nick);
    const auto answer = c.waitFor(
        [](const IrcMessage &m) {
            return m.command == "001" || m.command == "433" || m.command == "437" || m.command == "NICK";
        },
        5000);
    return answer ? answer->command : QByteArray("timeout");
}

RawClient::Predicate privmsg(const QByteArray &text)
{
    return [text](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == text; };
}

} // namespace

class TestClusterProcess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void nickRaceAcrossNodes();
    void nickGivenUpIsFreeElsewhere();
    void killedNodesNicksAreFreed();
    void redisAwayRefusesNewNicksOnly();
    void accountsAcrossNodes();

private:
    bool startNodes(int count, const QString &database = QStringLiteral(":memory:"));
    // Waits until the node takes nicks (its cluster connection is up).
    bool waitForCluster(Node &node);
    std::unique_ptr<RawClient> clientOf(Node &node);

    std::unique_ptr<ThrowawayRedis> m_redis;
    std::vector<std::unique_ptr<Node>> m_nodes;
    int m_probes = 0;
};

void TestClusterProcess::init()
{
    m_redis = std::make_unique<ThrowawayRedis>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
}

void TestClusterProcess::cleanup()
{
    for (auto &n : m_nodes) {
        if (n->process.state() != QProcess::NotRunning) {
            n->process.terminate();
            QVERIFY(n->process.waitForFinished(10000));
            QByteArray why;
            QVERIFY2(ServerProcess::exitedCleanly(n->process, &why), why.constData());
        }
    }
    m_nodes.clear();
    m_redis.reset();
}

bool TestClusterProcess::startNodes(int count, const QString &database)
{
    for (int i = 1; i <= count; ++i) {
        auto node = std::make_unique<Node>();
        const QStringList args {"--cluster",    m_redis->url(), "--node",       "node-" + QString::number(i),
                                "--listen",     "127.0.0.1:0",  "--database",   database,
                                "--node-lease", "1.5",          "--nick-grace", "1",
                                "--autojoin",   "#lobby"};
        if (!ServerProcess::start(node->process, Binary, args, &node->host, &node->port))
            return false;
        if (!waitForCluster(*node))
            return false;
        m_nodes.push_back(std::move(node));
    }
    return true;
}

bool TestClusterProcess::waitForCluster(Node &node)
{
    return QTest::qWaitFor(
        [&] {
            RawClient probe;
            if (!probe.connectTo(node.host, node.port))
                return false;
            return tryNick(probe, "probe" + QByteArray::number(++m_probes)) == "001";
        },
        10000);
}

std::unique_ptr<RawClient> TestClusterProcess::clientOf(Node &node)
{
    auto c = std::make_unique<RawClient>();
    if (!c->connectTo(node.host, node.port))
        return nullptr;
    return c;
}

void TestClusterProcess::nickRaceAcrossNodes()
{
    QVERIFY(startNodes(2));
    int firstWins = 0;
    for (int round = 0; round < 100; ++round) {
        const QByteArray nick = "racer" + QByteArray::number(round);
        auto a = clientOf(*m_nodes[0]);
        auto b = clientOf(*m_nodes[1]);
        QVERIFY(a && b);
        // Both at once: each line leaves before either answer can arrive.
        const QByteArray lines = "NICK " + nick + "\r\nUSER x 0 * :x\r\n";
        if (round % 2) {
            a->sendRaw(lines);
            b->sendRaw(lines);
        } else {
            b->sendRaw(lines);
            a->sendRaw(lines);
        }
        auto outcome = [](RawClient &c) {
            const auto m = c.waitFor([](const IrcMessage &m) { return m.command == "001" || m.command == "433"; });
            return m ? m->command : QByteArray("timeout");
        };
        const QByteArray ra = outcome(*a), rb = outcome(*b);
        QVERIFY2((ra == "001" && rb == "433") || (ra == "433" && rb == "001"),
                 qPrintable(QStringLiteral("round %1: %2 and %3").arg(round).arg(ra, rb)));
        firstWins += ra == "001";
    }
    qInfo("node-1 won %d of 100 races", firstWins);
}

void TestClusterProcess::nickGivenUpIsFreeElsewhere()
{
    QVERIFY(startNodes(2));
    auto holder = clientOf(*m_nodes[0]);
    QVERIFY(holder);
    QCOMPARE(tryNick(*holder, "keeper"), QByteArray("001"));
    auto other = clientOf(*m_nodes[1]);
    QVERIFY(other);
    QCOMPARE(tryNick(*other, "keeper"), QByteArray("433"));
    // A nick change on node 1 frees the old nick everywhere.
    QCOMPARE(tryNick(*holder, "kept", false), QByteArray("NICK"));
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*other, "keeper", false) == "001"; }, 5000));
    // And a QUIT frees the new one.
    holder->send("QUIT :bye");
    QVERIFY(holder->waitForDisconnected());
    auto third = clientOf(*m_nodes[1]);
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*third, "kept") == "001"; }, 5000));
}

void TestClusterProcess::killedNodesNicksAreFreed()
{
    QVERIFY(startNodes(3));
    auto victim = clientOf(*m_nodes[2]);
    QVERIFY(victim);
    QCOMPARE(tryNick(*victim, "victim"), QByteArray("001"));
    auto taker = clientOf(*m_nodes[0]);
    QVERIFY(taker);
    QCOMPARE(tryNick(*taker, "victim"), QByteArray("433"));
    m_nodes[2]->process.kill(); // no goodbye: only its lease expiring tells the others
    QVERIFY(m_nodes[2]->process.waitForFinished(5000));
    // Its lease is 1.5 s here: within a few seconds one of the others reaps it.
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*taker, "victim", false) == "001"; }, 10000));
    m_nodes.pop_back();
}

void TestClusterProcess::redisAwayRefusesNewNicksOnly()
{
    QVERIFY(startNodes(1));
    auto alice = clientOf(*m_nodes[0]);
    auto bob = clientOf(*m_nodes[0]);
    QVERIFY(alice && bob);
    QCOMPARE(tryNick(*alice, "alice"), QByteArray("001"));
    QCOMPARE(tryNick(*bob, "bob"), QByteArray("001"));
    QVERIFY(alice->sync() && bob->sync());
    m_redis->stop();
    auto carol = clientOf(*m_nodes[0]);
    QVERIFY(carol);
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*carol, "carol", false) == "437"; }, 5000));
    // Those already here chat on.
    alice->send("PRIVMSG bob :still here");
    QVERIFY(bob->waitFor(privmsg("still here")));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*carol, "carol") == "001"; }, 10000));
}

void TestClusterProcess::accountsAcrossNodes()
{
    // Accounts live in the PostgreSQL database the nodes share; a change on one node is read
    // again by the others, however long they have run.
    ThrowawayPostgres pg;
    QVERIFY2(pg.start(), qPrintable(pg.error()));
    QVERIFY2(pg.createDatabase("shared"), qPrintable(pg.error()));
    QVERIFY(startNodes(2, pg.url("shared")));
    auto visitor = clientOf(*m_nodes[1]);
    QVERIFY(visitor);
    QCOMPARE(tryNick(*visitor, "visitor"), QByteArray("001"));
    auto info = [&] {
        visitor->send("PRIVMSG NickServ :INFO alice");
        const auto reply = visitor->waitFor([](const IrcMessage &m) {
            return m.command == "NOTICE" && m.source.startsWith("NickServ!")
                   && (m.params.last().contains("registered") || m.params.last().startsWith("Account"));
        });
        return reply ? reply->params.last() : QByteArray();
    };
    QVERIFY(info().contains("is not registered"));

    auto alice = clientOf(*m_nodes[0]);
    QVERIFY(alice);
    QCOMPARE(tryNick(*alice, "alice"), QByteArray("001"));
    alice->send("REGISTER * * :alice-password");
    QVERIFY(
        alice->waitFor([](const IrcMessage &m) { return m.command == "REGISTER" && m.param(0) == "SUCCESS"; }, 20000));
    QVERIFY(QTest::qWaitFor([&] { return info().startsWith("Account alice"); }, 10000));
    visitor->send("PRIVMSG NickServ :IDENTIFY alice alice-password");
    QVERIFY(visitor->waitFor([](const IrcMessage &m) { return m.command == "900"; }, 20000));

    // Someone on node 2 takes the registered nick while its owner uses another: renamed to
    // Guest<number> when the grace runs out, through the registry, so that the owner on node 1
    // can take it back.
    QCOMPARE(tryNick(*alice, "alice-away", false), QByteArray("NICK"));
    auto impostor = clientOf(*m_nodes[1]);
    QVERIFY(impostor);
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*impostor, "alice") == "001"; }, 5000));
    const auto renamed = impostor->waitFor(
        [](const IrcMessage &m) { return m.command == "NICK" && m.params.last().startsWith("Guest"); }, 10000);
    QVERIFY(renamed);
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*alice, "alice", false) == "NICK"; }, 5000));
    // The nodes stop (cleanup()) before the database they use.
    cleanup();
    pg.stop();
}

QTEST_GUILESS_MAIN(TestClusterProcess)
#include "tst_clusterprocess.moc"
