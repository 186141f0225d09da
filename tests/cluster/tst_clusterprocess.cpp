// SPDX-License-Identifier: MIT
// confab-server processes as nodes of one network (--cluster) on a throw-away redis-server: two
// clients on two nodes racing for one nick end with exactly one winner, a hundred times over; a
// nick given up on one node is free on the others; the nicks of a node killed with SIGKILL are
// freed once its lease runs out, and its users quit everywhere; users of three nodes chat in
// channels and privately, see each other in NAMES, WHO, WHOIS and LIST, and an operator of one
// node runs a channel with members on another (topic, key, voice, kick); while Redis is away, new nicks get 437 and
// chat on a node goes on, and nicks work again once Redis is back.

#include "rawclient.h"
#include "serverprocess.h"
#include "throwawaypostgres.h"
#include "throwawayredis.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <numeric>

namespace {

const QString Binary = QStringLiteral(CONFAB_SERVER_BINARY);
// How long a test waits for the nodes to agree: a bound, never a delay, and generous, for nodes
// running under a sanitizer (ten times slower) on a busy machine.
constexpr int Settle = 20000;

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
        Settle);
    return answer ? answer->command : QByteArray("timeout");
}

RawClient::Predicate privmsg(const QByteArray &text)
{
    return [text](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == text; };
}

// The nicks NAMES lists in `channel`, as `c` sees them (prefixes such as '@' dropped).
QList<QByteArray> names(RawClient &c, const QByteArray &channel)
{
    c.send("NAMES " + channel);
    QList<QByteArray> out;
    const auto end = c.waitFor([&](const IrcMessage &m) {
        if (m.command == "353" && m.param(2) == channel) {
            for (QByteArray nick : m.params.last().split(' ')) {
                while (!nick.isEmpty() && (nick.front() == '@' || nick.front() == '+'))
                    nick.remove(0, 1);
                if (!nick.isEmpty())
                    out.append(nick);
            }
        }
        return m.command == "366" && m.param(1) == channel;
    });
    return end ? out : QList<QByteArray>();
}

// Registers and waits for its autojoin (#lobby) to be done.
bool join(RawClient &c, const QByteArray &channel)
{
    c.send("JOIN " + channel);
    return c.waitFor([&](const IrcMessage &m) { return m.command == "366" && m.param(1) == channel; }).has_value();
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
    void chatAcrossNodes();
    void channelsAcrossNodes();
    void redisAwayRefusesNewNicksOnly();
    void redisRestartJoinsNodesAgain();
    void redisBackWithItsDataJoinsAChangedNodeAgain();
    void accountsAcrossNodes();
    void historyMonitorAndKillAcrossNodes();
    void operatorConsoleShowsNodes();
    void soakAcrossThreeNodes();
    void benchAcrossTwoNodes();

private:
    bool startNodes(int count, const QString &database = QStringLiteral(":memory:"), const QStringList &extra = {});
    // Waits until the node takes nicks (its cluster connection is up).
    bool waitForCluster(Node &node);
    std::unique_ptr<RawClient> clientOf(Node &node);
    // Two nodes, alice registered on the first and bob on the second.
    bool aliceAndBob(std::unique_ptr<RawClient> &alice, std::unique_ptr<RawClient> &bob);

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
            if (!ServerProcess::exitedCleanly(n->process, &why)) {
                // Whole, line by line: a sanitizer's report is longer than a failure message.
                for (const QByteArray &line : why.split('\n'))
                    qWarning("%s", line.constData());
            }
            QVERIFY2(ServerProcess::exitedCleanly(n->process, &why), "see the node's report above");
        }
    }
    m_nodes.clear();
    m_redis.reset();
}

bool TestClusterProcess::startNodes(int count, const QString &database, const QStringList &extra)
{
    for (int i = 1; i <= count; ++i) {
        auto node = std::make_unique<Node>();
        QStringList args {"--cluster",    m_redis->url(), "--node",       "node-" + QString::number(i),
                          "--listen",     "127.0.0.1:0",  "--database",   database,
                          "--node-lease", "1.5",          "--nick-grace", "1",
                          "--autojoin",   "#lobby",       "--oper",       "boss:secret",
                          "--console"};
        args += extra;
        if (!ServerProcess::start(node->process, Binary, args, &node->host, &node->port)) {
            qWarning("node %d did not start: %s", i, node->process.readAllStandardError().constData());
            return false;
        }
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

bool TestClusterProcess::aliceAndBob(std::unique_ptr<RawClient> &alice, std::unique_ptr<RawClient> &bob)
{
    if (!startNodes(2))
        return false;
    alice = clientOf(*m_nodes[0]);
    bob = clientOf(*m_nodes[1]);
    return alice && bob && alice->registerAs("alice") && bob->registerAs("bob");
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
            const auto m
                = c.waitFor([](const IrcMessage &m) { return m.command == "001" || m.command == "433"; }, Settle);
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
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*other, "keeper", false) == "001"; }, Settle));
    // And a QUIT frees the new one.
    holder->send("QUIT :bye");
    QVERIFY(holder->waitForDisconnected());
    auto third = clientOf(*m_nodes[1]);
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*third, "kept") == "001"; }, Settle));
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
    auto witness = clientOf(*m_nodes[1]);
    QVERIFY(witness);
    QVERIFY(witness->registerAs("witness"));
    QVERIFY(QTest::qWaitFor([&] { return names(*witness, "#lobby").contains("victim"); }, Settle));
    m_nodes[2]->process.kill(); // no goodbye: only its lease expiring tells the others
    QVERIFY(m_nodes[2]->process.waitForFinished(5000));
    // Its lease is 1.5 s here: within a few seconds one of the others reaps it, and every node
    // tells its own users that the lost node's users quit.
    const auto quit = witness->waitFor(RawClient::command("QUIT"), 10000);
    QVERIFY(quit);
    QVERIFY(quit->source.startsWith("victim!"));
    QCOMPARE(quit->params.last(), QByteArray("Node node-3 lost"));
    QVERIFY(!names(*witness, "#lobby").contains("victim"));
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*taker, "victim", false) == "001"; }, 10000));
    m_nodes.pop_back();
}

void TestClusterProcess::chatAcrossNodes()
{
    QVERIFY(startNodes(3));
    auto alice = clientOf(*m_nodes[0]);
    auto bob = clientOf(*m_nodes[1]);
    auto carol = clientOf(*m_nodes[2]);
    QVERIFY(alice && bob && carol);
    QVERIFY(alice->registerWithCaps("alice", "server-time message-tags"));
    QVERIFY(bob->registerAs("bob"));
    QVERIFY(carol->registerAs("carol"));
    // Every node sees every user in #lobby (the autojoin) once the stream has been applied.
    for (auto *c : {alice.get(), bob.get(), carol.get()})
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QList<QByteArray> seen = names(*c, "#lobby");
                return seen.contains("alice") && seen.contains("bob") && seen.contains("carol");
            },
            Settle));

    // A channel message reaches every member on every node, once, in the sender's order.
    for (int i = 0; i < 20; ++i)
        alice->send("PRIVMSG #lobby :line " + QByteArray::number(i));
    alice->send("PRIVMSG #lobby :done");
    for (auto *c : {bob.get(), carol.get()}) {
        QVERIFY(c->waitFor(privmsg("done")));
        QList<QByteArray> got;
        for (const IrcMessage &m : c->all(RawClient::command("PRIVMSG")))
            if (m.param(0) == "#lobby")
                got.append(m.params.last());
        QCOMPARE(got.size(), 21);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(got.at(i), "line " + QByteArray::number(i));
    }
    QCOMPARE(alice->count(privmsg("done")), 0); // no echo without echo-message

    // Private, and to several targets on several nodes; the client's tags go with it.
    bob->send("PRIVMSG alice :just you");
    const auto priv = alice->waitFor(privmsg("just you"));
    QVERIFY(priv);
    QVERIFY(priv->source.startsWith("bob!"));
    QVERIFY(priv->hasTag("time"));
    QVERIFY(priv->hasTag("msgid"));
    carol->send("@+draft/react=x TAGMSG alice");
    const auto tagged = alice->waitFor(RawClient::command("TAGMSG"));
    QVERIFY(tagged);
    QCOMPARE(tagged->tag("+draft/react"), QByteArray("x"));
    alice->send("PRIVMSG bob,carol :both of you");
    QVERIFY(bob->waitFor(privmsg("both of you")));
    QVERIFY(carol->waitFor(privmsg("both of you")));

    // WHOIS, WHO and away of a user of another node.
    bob->send("AWAY :at lunch");
    QVERIFY(bob->waitFor(RawClient::command("306")));
    QVERIFY(QTest::qWaitFor(
        [&] {
            alice->send("WHOIS bob");
            const auto user = alice->waitFor(RawClient::command("311"));
            const auto end
                = alice->waitFor([](const IrcMessage &m) { return m.command == "301" || m.command == "318"; });
            return user && end && end->command == "301" && end->params.last() == "at lunch";
        },
        Settle));
    carol->send("WHO #lobby");
    QStringList who;
    QVERIFY(carol->waitFor([&](const IrcMessage &m) {
        if (m.command == "352")
            who.append(QString::fromUtf8(m.param(5)));
        return m.command == "315";
    }));
    QVERIFY2(who.contains("alice") && who.contains("bob") && who.contains("carol"), qPrintable(who.join(' ')));
    // LUSERS counts the network, and this node's own apart.
    carol->send("LUSERS");
    const auto global = carol->waitFor(RawClient::command("251"));
    const auto mine = carol->waitFor(RawClient::command("255"));
    QVERIFY(global && mine);
    QCOMPARE(global->params.last(), QByteArray("There are 3 users and 0 invisible on 3 servers"));
    QCOMPARE(mine->params.last(), QByteArray("I have 1 clients and 2 servers"));

    // A nick change on one node is seen on the others; a QUIT too.
    bob->send("NICK robert");
    QVERIFY(alice->waitFor([](const IrcMessage &m) { return m.command == "NICK" && m.param(0) == "robert"; }));
    QVERIFY(QTest::qWaitFor([&] { return names(*carol, "#lobby").contains("robert"); }, Settle));
    bob->send("QUIT :gone home");
    const auto quit = carol->waitFor(RawClient::command("QUIT"));
    QVERIFY(quit);
    QVERIFY(quit->source.startsWith("robert!"));
    QVERIFY(QTest::qWaitFor([&] { return !names(*alice, "#lobby").contains("robert"); }, Settle));
}

void TestClusterProcess::channelsAcrossNodes()
{
    std::unique_ptr<RawClient> alice, bob;
    QVERIFY(aliceAndBob(alice, bob));
    QVERIFY(join(*alice, "#room"));
    alice->send("TOPIC #room :the topic");
    alice->send("MODE #room +k sesame");
    QVERIFY(alice->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+k"; }));
    // Node 2 learns the channel, its topic and its key from the stream.
    QVERIFY(QTest::qWaitFor([&] { return names(*bob, "#room").contains("alice"); }, Settle));
    bob->send("JOIN #room");
    QVERIFY(bob->waitFor(
        [](const IrcMessage &m) { return m.command == "475" || (m.command == "JOIN" && m.param(0) == "#room"); }));
    QCOMPARE(bob->count(RawClient::command("475")), 1);
    bob->send("JOIN #room sesame");
    const auto topic = bob->waitFor(RawClient::command("332"));
    QVERIFY(topic);
    QCOMPARE(topic->params.last(), QByteArray("the topic"));
    QVERIFY(alice->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.source.startsWith("bob!"); }));
    // LIST on either node counts both.
    QVERIFY(QTest::qWaitFor(
        [&] {
            alice->send("LIST #room");
            const auto entry
                = alice->waitFor([](const IrcMessage &m) { return m.command == "322" || m.command == "323"; });
            return entry && entry->command == "322" && entry->param(2) == "2";
        },
        Settle));
    // Two topics set at once on two nodes end the same on both (the later in the stream's order).
    alice->send("MODE #room +o bob");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+o"; }));
    QVERIFY(QTest::qWaitFor([&] {
        bob->send("TOPIC #room :probe");
        const auto answer = bob->waitFor([](const IrcMessage &m) {
            return (m.command == "TOPIC" && m.params.last() == "probe") || m.command == "482";
        });
        return answer && answer->command == "TOPIC";
    }));
    alice->send("TOPIC #room :from alice");
    bob->send("TOPIC #room :from bob");
    auto topicOf = [](RawClient &c) {
        c.send("TOPIC #room");
        const auto t = c.waitFor([](const IrcMessage &m) { return m.command == "332" || m.command == "331"; });
        return t ? t->params.last() : QByteArray();
    };
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QByteArray a = topicOf(*alice), b = topicOf(*bob);
            return a == b && (a == "from alice" || a == "from bob");
        },
        Settle));
    alice->send("MODE #room -o bob");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "-o"; }));
    // The channel's operator on node 1 gives voice to, then kicks, a user of node 2.
    alice->send("MODE #room +v bob");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+v"; }));
    QVERIFY(QTest::qWaitFor(
        [&] {
            bob->send("NAMES #room");
            const auto list = bob->waitFor(RawClient::command("353"));
            return list && list->params.last().split(' ').contains("+bob");
        },
        Settle));
    alice->send("KICK #room bob :out");
    const auto kick = bob->waitFor(RawClient::command("KICK"));
    QVERIFY(kick);
    QCOMPARE(kick->param(1), QByteArray("bob"));
    QVERIFY(QTest::qWaitFor([&] { return !names(*bob, "#room").contains("bob"); }, Settle));
    bob->send("PRIVMSG #room :still in?");
    QVERIFY(bob->waitFor(RawClient::command("404")));
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
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*carol, "carol", false) == "437"; }, Settle));
    // Those already here chat on.
    alice->send("PRIVMSG bob :still here");
    QVERIFY(bob->waitFor(privmsg("still here")));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*carol, "carol") == "001"; }, 10000));
}

void TestClusterProcess::redisRestartJoinsNodesAgain()
{
    std::unique_ptr<RawClient> alice, bob;
    QVERIFY(aliceAndBob(alice, bob));
    QVERIFY(join(*bob, "#room"));
    QVERIFY(QTest::qWaitFor([&] { return names(*alice, "#lobby").contains("bob"); }, Settle));
    QVERIFY(QTest::qWaitFor([&] { return names(*alice, "#room").contains("bob"); }, Settle));

    // Redis away: what needs another node is refused with 437, not queued.
    m_redis->stop();
    QVERIFY(QTest::qWaitFor(
        [&] {
            alice->send("PRIVMSG bob :are you there?");
            const auto answer = alice->waitFor(RawClient::command("437"), 1000);
            return answer && answer->param(1) == "bob";
        },
        10000));
    alice->send("JOIN #room");
    const auto refused = alice->waitFor(
        [](const IrcMessage &m) { return m.command == "437" || (m.command == "JOIN" && m.param(0) == "#room"); });
    QVERIFY(refused);
    QCOMPARE(refused->command, QByteArray("437"));

    // Redis back, empty (the throw-away one keeps nothing): every node joins again. The users of
    // the other node quit (the split) and join again, as on any IRC network.
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
    const auto split
        = alice->waitFor([](const IrcMessage &m) { return m.command == "QUIT" && m.source.startsWith("bob!"); }, 15000);
    QVERIFY(split);
    QCOMPARE(split->params.last(), QByteArray("Network split"));
    QVERIFY(alice->waitFor(
        [](const IrcMessage &m) {
            return m.command == "JOIN" && m.source.startsWith("bob!") && m.param(0) == "#lobby";
        },
        15000));
    QVERIFY(QTest::qWaitFor([&] { return names(*bob, "#lobby").contains("alice"); }, 10000));
    QVERIFY(QTest::qWaitFor([&] { return names(*alice, "#room").contains("bob"); }, 10000));
    alice->send("PRIVMSG bob :welcome back");
    QVERIFY(bob->waitFor(privmsg("welcome back")));
    // The registry was rebuilt: alice's nick is hers on every node again.
    auto carol = clientOf(*m_nodes[1]);
    QVERIFY(carol);
    QCOMPARE(tryNick(*carol, "alice"), QByteArray("433"));
}

void TestClusterProcess::redisBackWithItsDataJoinsAChangedNodeAgain()
{
    // A Redis that keeps its data: the stream is there when it comes back, but a user who quit on
    // node 1 meanwhile never reached it. Node 1 joins again: node 2's users see node 1's users
    // quit (the one who left among them) and those still there join again.
    m_redis.reset();
    m_redis = std::make_unique<ThrowawayRedis>();
    m_redis->setPersistent(true);
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
    QVERIFY(startNodes(2));
    auto alice = clientOf(*m_nodes[0]);
    auto ghost = clientOf(*m_nodes[0]);
    auto bob = clientOf(*m_nodes[1]);
    QVERIFY(alice && ghost && bob);
    QVERIFY(alice->registerAs("alice"));
    QVERIFY(ghost->registerAs("ghost"));
    QVERIFY(bob->registerAs("bob"));
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QList<QByteArray> seen = names(*bob, "#lobby");
            return seen.contains("alice") && seen.contains("ghost");
        },
        Settle));

    m_redis->stop();
    QVERIFY(QTest::qWaitFor(
        [&] {
            alice->send("PRIVMSG bob :there?");
            return alice->waitFor(RawClient::command("437"), 1000).has_value();
        },
        10000));
    ghost->send("QUIT :while Redis is away");
    QVERIFY(ghost->waitForDisconnected());
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));

    QVERIFY(
        bob->waitFor([](const IrcMessage &m) { return m.command == "QUIT" && m.source.startsWith("ghost!"); }, 15000));
    QVERIFY(bob->waitFor(
        [](const IrcMessage &m) {
            return m.command == "JOIN" && m.source.startsWith("alice!") && m.param(0) == "#lobby";
        },
        15000));
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QList<QByteArray> seen = names(*bob, "#lobby");
            return seen.contains("alice") && !seen.contains("ghost");
        },
        10000));
    alice->send("PRIVMSG bob :back");
    QVERIFY(bob->waitFor(privmsg("back")));
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
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*impostor, "alice") == "001"; }, Settle));
    const auto renamed = impostor->waitFor(
        [](const IrcMessage &m) { return m.command == "NICK" && m.params.last().startsWith("Guest"); }, 10000);
    QVERIFY(renamed);
    QVERIFY(QTest::qWaitFor([&] { return tryNick(*alice, "alice", false) == "NICK"; }, Settle));
    // The nodes stop (cleanup()) before the database they use.
    cleanup();
    pg.stop();
}

void TestClusterProcess::historyMonitorAndKillAcrossNodes()
{
    ThrowawayPostgres pg;
    QVERIFY2(pg.start(), qPrintable(pg.error()));
    QVERIFY2(pg.createDatabase("shared"), qPrintable(pg.error()));
    // The password in a file of its own, not in the URL (--database-password-file).
    QTemporaryDir dir;
    QFile secret(dir.filePath(QStringLiteral("password")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(QByteArray(ThrowawayPostgres::Password) + '\n');
    secret.close();
    const QString url = pg.url("shared").replace(u':' + QLatin1String(ThrowawayPostgres::Password) + u'@', u"@"_qs);
    QVERIFY(!url.contains(QLatin1String(ThrowawayPostgres::Password)));
    QVERIFY(startNodes(2, url, {"--database-password-file", secret.fileName()}));
    auto alice = clientOf(*m_nodes[0]);
    auto bob = clientOf(*m_nodes[1]);
    QVERIFY(alice && bob);
    QVERIFY(alice->registerAs("alice"));
    QVERIFY(bob->registerWithCaps("bob", "draft/chathistory batch server-time message-tags"));

    // MONITOR sees users of other nodes come and go.
    bob->send("MONITOR + carol");
    QVERIFY(bob->waitFor(RawClient::command("731")));
    auto carol = clientOf(*m_nodes[0]);
    QVERIFY(carol && carol->registerAs("carol"));
    const auto online = bob->waitFor(RawClient::command("730"));
    QVERIFY(online);
    QVERIFY(online->params.last().startsWith("carol!"));

    // Written by node 1 into the shared database, read by node 2.
    QVERIFY(QTest::qWaitFor([&] { return names(*alice, "#lobby").contains("bob"); }, Settle));
    alice->send("PRIVMSG #lobby :kept for later");
    QVERIFY(bob->waitFor(privmsg("kept for later")));
    QVERIFY(QTest::qWaitFor(
        [&] {
            bob->send("CHATHISTORY LATEST #lobby * 10");
            const auto batch = bob->waitForBatch("chathistory");
            return batch && std::any_of(batch->lines.cbegin(), batch->lines.cend(), [](const IrcMessage &m) {
                       return m.params.last() == "kept for later";
                   });
        },
        10000));

    // An operator on node 2 kills a user of node 1: its node disconnects it and tells everyone.
    bob->send("OPER boss secret");
    QVERIFY(bob->waitFor(RawClient::command("381")));
    bob->send("KILL alice :flooding");
    QVERIFY(alice->waitFor(RawClient::command("ERROR")));
    QVERIFY(alice->waitForDisconnected());
    const auto quit
        = carol->waitFor([](const IrcMessage &m) { return m.command == "QUIT" && m.source.startsWith("alice!"); });
    QVERIFY(quit);
    QCOMPARE(quit->params.last(), QByteArray("Killed (bob (flooding))"));
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "QUIT" && m.source.startsWith("alice!"); }));
    cleanup();
    pg.stop();
}

void TestClusterProcess::operatorConsoleShowsNodes()
{
    QVERIFY(startNodes(2));
    auto alice = clientOf(*m_nodes[1]);
    QVERIFY(alice && alice->registerAs("alice"));
    QProcess &console = m_nodes[0]->process;
    console.readAllStandardOutput();
    // "node-2 ... LEASE USERS": its lease is alive, and node 1 counts alice there.
    QByteArray out;
    QVERIFY(QTest::qWaitFor(
        [&] {
            console.write("nodes\n");
            if (!console.waitForReadyRead(1000))
                return false;
            out = console.readAllStandardOutput();
            const QList<QByteArray> lines = out.split('\n');
            const bool self = std::any_of(lines.cbegin(), lines.cend(), [](const QByteArray &l) {
                return l.startsWith("node-1 (this)") && l.contains("s ");
            });
            const bool other = std::any_of(lines.cbegin(), lines.cend(), [](const QByteArray &l) {
                const QList<QByteArray> f = l.simplified().split(' ');
                return f.value(0) == "node-2" && f.size() >= 5 && f.at(f.size() - 2).endsWith('s') && f.last() == "1";
            });
            return self && other && out.contains("Redis reachable");
        },
        10000));
}

void TestClusterProcess::soakAcrossThreeNodes()
{
    // Six users, two on each of three nodes, each sending to the channel and to one user of
    // another node, while three more come and go (QUIT, or the connection dropped) on every
    // node: every message of a user who stayed reaches every other such user exactly once and in
    // its order, and no message of those who came and went arrives twice or out of order.
    QVERIFY(startNodes(3, QStringLiteral(":memory:"), {"--flood-exempt", "127.0.0.0/8"}));
    constexpr int Stable = 6;
    constexpr int Rounds = 400;
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("soak seed %u", seed);
    QRandomGenerator random(seed);
    std::vector<std::unique_ptr<RawClient>> stable;
    for (int i = 0; i < Stable; ++i) {
        auto c = clientOf(*m_nodes[size_t(i % 3)]);
        QVERIFY(c && c->registerAs("s" + QByteArray::number(i)));
        stable.push_back(std::move(c));
    }
    for (auto &c : stable)
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QList<QByteArray> seen = names(*c, "#lobby");
                return std::all_of(stable.cbegin(), stable.cend(), [&](const auto &other) {
                    return seen.contains("s" + QByteArray::number(&other - &stable.front()));
                });
            },
            Settle));

    std::vector<std::unique_ptr<RawClient>> churners(3);
    int churnCount = 0;
    auto churn = [&](size_t k) {
        if (churners[k]) {
            if (random.bounded(2))
                churners[k]->send("QUIT :churn");
            else
                churners[k]->socket().abort(); // half of them just vanish
            churners[k].reset();
            return true;
        }
        auto c = clientOf(*m_nodes[k]);
        const QByteArray nick = "c" + QByteArray::number(k) + "x" + QByteArray::number(++churnCount);
        if (!c || !c->registerAs(nick))
            return false;
        for (int j = 0; j < 5; ++j)
            c->send("PRIVMSG #lobby :C " + nick + " " + QByteArray::number(j));
        churners[k] = std::move(c);
        return true;
    };
    for (int r = 0; r < Rounds; ++r) {
        for (int i = 0; i < Stable; ++i) {
            const QByteArray n = QByteArray::number(i), round = QByteArray::number(r);
            stable[size_t(i)]->send("PRIVMSG #lobby :S " + n + " " + round);
            stable[size_t(i)]->send("PRIVMSG s" + QByteArray::number((i + 1) % Stable) + " :P " + n + " " + round);
        }
        if (r % 5 == 0)
            QVERIFY(churn(size_t(random.bounded(3))));
    }
    for (int i = 0; i < Stable; ++i)
        stable[size_t(i)]->send("PRIVMSG #lobby :S " + QByteArray::number(i) + " end");

    for (int i = 0; i < Stable; ++i) {
        RawClient &c = *stable[size_t(i)];
        for (int j = 0; j < Stable; ++j) {
            if (j == i)
                continue;
            const QByteArray end = "S " + QByteArray::number(j) + " end";
            // Counted, not waited for in turn: the ends arrive in any order.
            QVERIFY2(QTest::qWaitFor([&] { return c.count(privmsg(end)) == 1; }, 20000), end.constData());
        }
        QHash<QByteArray, QList<int>> bySender; // "S j" and "P j": the rounds, as received
        QHash<QByteArray, QList<int>> byChurner;
        for (const IrcMessage &m : c.all(RawClient::command("PRIVMSG"))) {
            const QList<QByteArray> words = m.params.last().split(' ');
            if (words.size() != 3 || words.at(2) == "end")
                continue;
            if (words.at(0) == "C")
                byChurner[words.at(1)].append(words.at(2).toInt());
            else
                bySender[words.at(0) + ' ' + words.at(1)].append(words.at(2).toInt());
        }
        QList<int> all(Rounds);
        std::iota(all.begin(), all.end(), 0);
        for (int j = 0; j < Stable; ++j) {
            if (j != i)
                QCOMPARE(bySender.value("S " + QByteArray::number(j)), all);
        }
        QCOMPARE(bySender.value("P " + QByteArray::number((i + Stable - 1) % Stable)), all);
        for (auto it = byChurner.cbegin(); it != byChurner.cend(); ++it) {
            QVERIFY2(std::is_sorted(it->cbegin(), it->cend()), it.key().constData());
            QVERIFY2(std::adjacent_find(it->cbegin(), it->cend()) == it->cend(), it.key().constData());
        }
    }
}

void TestClusterProcess::benchAcrossTwoNodes()
{
    // confab-bench spreads its clients over two nodes (resources/scripts/bench-cluster.sh): every
    // message reaches every client once, half of them through the other node. Nothing is timed.
    QVERIFY(startNodes(2, QStringLiteral(":memory:"), {"--flood-exempt", "127.0.0.0/8", "--max-per-ip", "0"}));
    QProcess bench;
    bench.start(QStringLiteral(CONFAB_BENCH_BINARY),
                {"--port", QStringLiteral("%1,%2").arg(m_nodes[0]->port).arg(m_nodes[1]->port), "--server-pid",
                 QStringLiteral("%1,%2").arg(m_nodes[0]->process.processId()).arg(m_nodes[1]->process.processId()),
                 "--redis-pid", QString::number(m_redis->processId()), "--workload", "fanout", "--fanout-clients", "20",
                 "--senders", "2", "--duration", "1", "--no-progress"});
    QVERIFY(bench.waitForFinished(60000));
    QCOMPARE(bench.exitCode(), 0);
    QJsonObject result;
    for (const QByteArray &line : bench.readAllStandardOutput().split('\n'))
        if (line.startsWith('{'))
            result = QJsonDocument::fromJson(line).object();
    QCOMPARE(result.value("nodes").toInt(), 2);
    QVERIFY(result.value("deliveries").toInt() > 0);
    QCOMPARE(result.value("deliveries").toInt(), result.value("expected").toInt());
    QVERIFY(result.value("redis_cpu_us_per_delivery").toDouble() >= 0);
    QVERIFY(result.value("server_cpu_us_per_delivery").toDouble() > 0);
}

QTEST_GUILESS_MAIN(TestClusterProcess)
#include "tst_clusterprocess.moc"
