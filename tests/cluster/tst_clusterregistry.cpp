// SPDX-License-Identifier: MIT
// The cluster's registry over its event stream, on a real redis-server the test starts: three
// nodes racing for one nick a hundred times end with exactly one winner each time, and every
// node agrees who it is; nick changes, releases and a lost node apply alike everywhere; a node
// that starts later catches up by replaying the stream; an entry that does not parse is dropped
// and counted by every node, never applied.

#include "cluster/clusterevent.h"
#include "cluster/clusterframe.h"
#include "cluster/clusterregistry.h"
#include "cluster/clusterstream.h"
#include "cluster/redisconnection.h"
#include "config/redisaddress.h"
#include "throwawayredis.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <memory>

namespace {

struct Node {
    Node(const QByteArray &name, const RedisAddress &address)
        : stream(address)
        , registry(name, &stream)
    {
        stream.open();
    }
    ClusterStream stream;
    ClusterRegistry registry;
};

using Claim = ClusterRegistry::Claim;

} // namespace

class TestClusterRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void eventCodec_data();
    void eventCodec();
    void frameCodec_data();
    void frameCodec();
    void nickRaceHasOneWinner();
    void changesAndReleasesApplyEverywhere();
    void lostNodeFreesItsNicksOnce();
    void lateNodeCatchesUp();
    void malformedEntriesAreDropped();
    void unavailableWithoutRedis();

private:
    bool startNodes(int count);
    std::unique_ptr<ThrowawayRedis> m_redis;
    std::vector<std::unique_ptr<Node>> m_nodes;
};

void TestClusterRegistry::init()
{
    m_redis = std::make_unique<ThrowawayRedis>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->error()));
}

void TestClusterRegistry::cleanup()
{
    m_nodes.clear();
    m_redis.reset();
}

bool TestClusterRegistry::startNodes(int count)
{
    for (int i = 0; i < count; ++i)
        m_nodes.push_back(std::make_unique<Node>("node-" + QByteArray::number(i + 1), m_redis->address()));
    return QTest::qWaitFor(
        [&] {
            for (const auto &n : m_nodes) {
                if (!n->stream.isReady())
                    return false;
            }
            return true;
        },
        5000);
}

void TestClusterRegistry::eventCodec_data()
{
    QTest::addColumn<QList<QByteArray>>("fields");
    QTest::addColumn<bool>("valid");
    using L = QList<QByteArray>;
    QTest::newRow("nick") << L {"t", "nick", "n", "a-1", "c", "7", "k", "alice", "s", "1"} << true;
    QTest::newRow("unnick") << L {"t", "unnick", "n", "a", "c", "0"} << true;
    QTest::newRow("lost") << L {"t", "lost", "n", "a", "l", "b", "i", "1700000000000"} << true;
    QTest::newRow("account") << L {"t", "account", "n", "a", "a", "alice"} << true;
    QTest::newRow("account, bad name") << L {"t", "account", "n", "a", "a", "#x"} << false;
    QTest::newRow("unknown type") << L {"t", "nope", "n", "a"} << false;
    QTest::newRow("odd count") << L {"t", "unnick", "n", "a", "c"} << false;
    QTest::newRow("duplicate field") << L {"t", "unnick", "n", "a", "c", "1", "c", "2"} << false;
    QTest::newRow("unknown field") << L {"t", "unnick", "n", "a", "c", "1", "x", "2"} << false;
    QTest::newRow("field of another type") << L {"t", "unnick", "n", "a", "c", "1", "k", "bob"} << false;
    QTest::newRow("bad node") << L {"t", "unnick", "n", "a b", "c", "1"} << false;
    QTest::newRow("long node") << L {"t", "unnick", "n", QByteArray(33, 'a'), "c", "1"} << false;
    QTest::newRow("bad nick") << L {"t", "nick", "n", "a", "c", "7", "k", "#chan", "s", "1"} << false;
    QTest::newRow("signed client") << L {"t", "unnick", "n", "a", "c", "-1"} << false;
    QTest::newRow("leading zero") << L {"t", "unnick", "n", "a", "c", "01"} << false;
    QTest::newRow("client too big") << L {"t", "unnick", "n", "a", "c", "99999999999999999999"} << false;
    QTest::newRow("missing claim") << L {"t", "nick", "n", "a", "c", "7", "k", "alice"} << false;
    QTest::newRow("user") << L {"t", "user",         "n", "a",         "c", "7",   "k", "bob",      "u", "bob",
                                "h", "host.example", "r", "Bob Smith", "a", "bob", "w", "at lunch", "m", "iw",
                                "p", "8194"}
                          << true;
    QTest::newRow("user, no account") << L {"t", "user", "n", "a", "c", "7", "k", "bob", "u", "bob", "h", "h", "p", "0"}
                                      << true;
    QTest::newRow("user, empty account given")
        << L {"t", "user", "n", "a", "c", "7", "k", "bob", "u", "bob", "h", "h", "a", "", "p", "0"} << false;
    QTest::newRow("user, unknown mode") << L {"t", "user", "n", "a", "c", "7", "k", "bob",
                                              "u", "bob",  "h", "h", "m", "x", "p", "0"}
                                        << false;
    QTest::newRow("user, CR in real name")
        << L {"t", "user", "n", "a", "c", "7", "k", "bob", "u", "bob", "h", "h", "r", "a\rb", "p", "0"} << false;
    QTest::newRow("join") << L {"t", "join", "n", "a", "c", "1", "j", "#room", "o", "1"} << true;
    QTest::newRow("rejoin") << L {"t", "join", "n", "a", "c", "1", "j", "#room", "o", "0", "s", "1"} << true;
    QTest::newRow("rejoin, not a flag") << L {"t", "join", "n", "a", "c", "1", "j", "#room", "o", "0", "s", "2"}
                                        << false;
    QTest::newRow("join, not a channel") << L {"t", "join", "n", "a", "c", "1", "j", "room", "o", "1"} << false;
    QTest::newRow("join, op not a flag") << L {"t", "join", "n", "a", "c", "1", "j", "#room", "o", "yes"} << false;
    QTest::newRow("part, kicked elsewhere") << L {"t", "part", "n", "a", "c", "1", "j", "#room", "v", "b"} << true;
    QTest::newRow("kill") << L {"t", "kill", "n", "a", "c", "1", "v", "b", "q", "Killed (op (bye))"} << true;
    QTest::newRow("kill, LF in reason") << L {"t", "kill", "n", "a", "c", "1", "v", "b", "q", "a\nb"} << false;
    QTest::newRow("channel") << L {"t",      "channel",    "n",       "a",   "j",
                                   "#room",  "x",          "a topic", "b",   "alice",
                                   "e",      "1700000000", "m",       "tiC", "y",
                                   "sesame", "z",          "10",      "g",   "*!*@x alice 1700000000\n*!*@y bob 1"}
                             << true;
    QTest::newRow("channel, bad ban") << L {"t", "channel", "n", "a", "j", "#room", "g", "*!*@x alice"} << false;
    QTest::newRow("channel, key with a space") << L {"t", "channel", "n", "a", "j", "#room", "y", "a b"} << false;
    QTest::newRow("member") << L {"t", "member", "n", "a", "c", "1", "v", "b", "j", "#room", "m", "ov"} << true;
    QTest::newRow("member, unknown status")
        << L {"t", "member", "n", "a", "c", "1", "v", "b", "j", "#room", "m", "q"} << false;
}

void TestClusterRegistry::eventCodec()
{
    QFETCH(QList<QByteArray>, fields);
    QFETCH(bool, valid);
    const std::optional<ClusterEvent> e = ClusterEvent::decode(fields);
    QCOMPARE(e.has_value(), valid);
    if (valid)
        QCOMPARE(e->encode(), fields); // and back, field for field
}

void TestClusterRegistry::frameCodec_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("valid");
    QTest::newRow("message") << QByteArray(
        "@confab/n=b;confab/i=17;confab/s=3;confab/r=1,2;time=2026-11-30T10:00:00.000Z;msgid=x;"
        "account=bob;bot;+draft/react=y :bob!b@h PRIVMSG #room :hello there")
                             << true;
    QTest::newRow("no tags of its own") << QByteArray("@confab/n=b;confab/i=1;confab/s=1;confab/r=5 :s NOTICE x :y")
                                        << true;
    QTest::newRow("no recipients") << QByteArray("@confab/n=b;confab/i=1;confab/s=1 :s NOTICE x :y") << false;
    QTest::newRow("no sequence") << QByteArray("@confab/n=b;confab/i=1;confab/r=1 :s NOTICE x :y") << false;
    QTest::newRow("bad node") << QByteArray("@confab/n=b_c;confab/i=1;confab/s=1;confab/r=1 :s NOTICE x :y") << false;
    QTest::newRow("bad recipient") << QByteArray("@confab/n=b;confab/i=1;confab/s=1;confab/r=1,,2 :s NOTICE x :y")
                                   << false;
    QTest::newRow("a tag no node relays")
        << QByteArray("@confab/n=b;confab/i=1;confab/s=1;confab/r=1;batch=x :s NOTICE x :y") << false;
    QTest::newRow("no source") << QByteArray("@confab/n=b;confab/i=1;confab/s=1;confab/r=1 NOTICE x :y") << false;
    QTest::newRow("not a line") << QByteArray("@confab/n=b;confab/i=1;confab/s=1;confab/r=1") << false;
}

void TestClusterRegistry::frameCodec()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, valid);
    const std::optional<ClusterFrame> f = ClusterFrame::decode(payload);
    QCOMPARE(f.has_value(), valid);
    if (!valid)
        return;
    QCOMPARE(f->node, QByteArray("b"));
    for (const IrcTag &tag : f->message.tags)
        QVERIFY(!tag.key.startsWith("confab/"));
    // Encoded again from its line, it is the same frame.
    const QByteArray line = f->message.serialize().value();
    const std::optional<ClusterFrame> again
        = ClusterFrame::decode(ClusterFrame::encode(f->node, f->incarnation, f->sequence, f->recipients, line));
    QVERIFY(again);
    QCOMPARE(again->recipients, f->recipients);
    QCOMPARE(again->sequence, f->sequence);
    QCOMPARE(again->incarnation, f->incarnation);
    QCOMPARE(again->message, f->message);
}

void TestClusterRegistry::nickRaceHasOneWinner()
{
    QVERIFY(startNodes(3));
    int wins[3] = {0, 0, 0};
    for (int round = 0; round < 100; ++round) {
        const QByteArray nick = "Racer" + QByteArray::number(round);
        QList<Claim> outcomes(3, Claim::Unavailable);
        int answered = 0;
        // The same nick in three spellings (the registry folds case), asked for in an order
        // that changes from round to round.
        QList<int> order {0, 1, 2};
        std::shuffle(order.begin(), order.end(), *QRandomGenerator::global());
        for (int i : std::as_const(order)) {
            const QByteArray spelling = i == 1 ? nick.toLower() : i == 2 ? nick.toUpper() : nick;
            m_nodes[size_t(i)]->registry.claimNick(quint64(round), spelling, [&, i](Claim c) {
                outcomes[i] = c;
                ++answered;
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, 3, 5000);
        QCOMPARE(outcomes.count(Claim::Won), 1);
        QCOMPARE(outcomes.count(Claim::Taken), 2);
        const int winner = int(outcomes.indexOf(Claim::Won));
        ++wins[winner];
        // Every node agrees, once it has applied the stream as far as the last claim.
        for (const auto &n : m_nodes) {
            QTRY_VERIFY_WITH_TIMEOUT(n->registry.holderOf(nick).has_value(), 5000);
            QCOMPARE(n->registry.holderOf(nick)->node, m_nodes[size_t(winner)]->registry.node());
            QCOMPARE(n->registry.holderOf(nick)->client, quint64(round));
        }
    }
    for (const auto &n : m_nodes)
        QTRY_COMPARE(n->registry.nickCount(), 100);
    // A real race: no node wins them all (each would fail to with odds below 1e-17).
    QVERIFY2(wins[0] > 0 && wins[1] > 0 && wins[2] > 0,
             qPrintable(QStringLiteral("wins: %1 %2 %3").arg(wins[0]).arg(wins[1]).arg(wins[2])));
}

void TestClusterRegistry::changesAndReleasesApplyEverywhere()
{
    QVERIFY(startNodes(2));
    ClusterRegistry &a = m_nodes[0]->registry;
    ClusterRegistry &b = m_nodes[1]->registry;
    std::optional<Claim> result;
    auto claim = [&](ClusterRegistry &r, quint64 client, const QByteArray &nick) {
        result.reset();
        r.claimNick(client, nick, [&](Claim c) { result = c; });
        return QTest::qWaitFor([&] { return result.has_value(); }, 5000) ? *result : Claim::Unavailable;
    };
    QCOMPARE(claim(a, 1, "alice"), Claim::Won);
    QCOMPARE(claim(b, 1, "ALICE"), Claim::Taken);
    // A nick change frees the old nick in the same step.
    QSignalSpy taken(&b, &ClusterRegistry::nickTaken);
    QCOMPARE(claim(a, 1, "alicia"), Claim::Won);
    QTRY_COMPARE(taken.count(), 1);
    QCOMPARE(taken.first().at(1).toByteArray(), QByteArray("alice"));
    QVERIFY(!b.holderOf("alice"));
    QCOMPARE(b.holderOf("Alicia")->nick, QByteArray("alicia"));
    QCOMPARE(claim(b, 1, "alice"), Claim::Won);
    // Taking one's own nick again (a case change) is allowed.
    QCOMPARE(claim(b, 1, "Alice"), Claim::Won);
    QTRY_COMPARE(a.holderOf("alice")->nick, QByteArray("Alice"));
    // A release (the client quit) frees the nick everywhere.
    QSignalSpy released(&a, &ClusterRegistry::nickReleased);
    b.releaseNick(1);
    QVERIFY(released.wait(5000));
    QVERIFY(!a.holderOf("alice"));
    QTRY_VERIFY(!b.holderOf("alice"));
    QCOMPARE(claim(a, 2, "alice"), Claim::Won);
}

void TestClusterRegistry::lostNodeFreesItsNicksOnce()
{
    QVERIFY(startNodes(3));
    int answered = 0;
    for (quint64 client = 1; client <= 5; ++client)
        m_nodes[2]->registry.claimNick(client, "lost" + QByteArray::number(client), [&](Claim) { ++answered; });
    m_nodes[0]->registry.claimNick(1, "survivor", [&](Claim) { ++answered; });
    QTRY_COMPARE_WITH_TIMEOUT(answered, 6, 5000);
    for (const auto &n : m_nodes)
        QTRY_COMPARE(n->registry.nickCount(), 6);

    // Both survivors report it; it is applied once, the same way by each.
    QSignalSpy released(&m_nodes[1]->registry, &ClusterRegistry::nickReleased);
    m_nodes[0]->registry.reportNodeLost("node-3", 1000);
    m_nodes[1]->registry.reportNodeLost("node-3", 1000);
    for (const auto &n : m_nodes)
        QTRY_COMPARE(n->registry.nickCount(), 1);
    QVERIFY(m_nodes[1]->registry.holderOf("survivor"));
    // The second report changes nothing: wait until it has been applied (a claim after it).
    std::optional<Claim> after;
    m_nodes[1]->registry.claimNick(9, "marker", [&](Claim c) { after = c; });
    QTRY_VERIFY_WITH_TIMEOUT(after.has_value(), 5000);
    QCOMPARE(released.count(), 5);
}

void TestClusterRegistry::lateNodeCatchesUp()
{
    QVERIFY(startNodes(1));
    int answered = 0;
    for (quint64 client = 1; client <= 50; ++client)
        m_nodes[0]->registry.claimNick(client, "early" + QByteArray::number(client), [&](Claim) { ++answered; });
    QTRY_COMPARE_WITH_TIMEOUT(answered, 50, 5000);
    m_nodes[0]->registry.releaseNick(7);
    QTRY_COMPARE(m_nodes[0]->registry.nickCount(), 49);

    Node late("node-9", m_redis->address());
    QTRY_COMPARE_WITH_TIMEOUT(late.registry.nickCount(), 49, 5000);
    QVERIFY(!late.registry.holderOf("early7"));
    QCOMPARE(late.registry.holderOf("early8")->node, QByteArray("node-1"));
    std::optional<Claim> result;
    late.registry.claimNick(1, "early8", [&](Claim c) { result = c; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 5000);
    QCOMPARE(*result, Claim::Taken);
}

void TestClusterRegistry::malformedEntriesAreDropped()
{
    QVERIFY(startNodes(2));
    // Written straight into the stream, as a confused or hostile client of Redis could.
    RedisConnection raw(m_redis->address());
    QSignalSpy rawReady(&raw, &RedisConnection::ready);
    raw.open();
    QVERIFY(rawReady.wait(5000));
    int added = 0;
    const QList<QList<QByteArray>> bad {
        {"t", "nick", "n", "node-1", "c", "1", "k", "#notanick", "s", "1"},
        {"t", "nick", "n", "node 1", "c", "1", "k", "mallory", "s", "1"},
        {"t", "drop-table", "n", "node-1"},
        {"x", "y"},
    };
    for (const QList<QByteArray> &fields : bad) {
        raw.command(QList<QByteArray> {"XADD", ClusterStream::Key, "*"} + fields, [&](const RedisReply &r) {
            if (r.type == RedisReply::Type::String)
                ++added;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(added, 4, 5000);
    std::optional<Claim> result;
    m_nodes[0]->registry.claimNick(1, "mallory", [&](Claim c) { result = c; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 5000);
    QCOMPARE(*result, Claim::Won); // the forged claim for mallory was not applied
    for (const auto &n : m_nodes) {
        QTRY_COMPARE(n->stream.dropped(), quint64(4));
        QTRY_COMPARE(n->registry.nickCount(), 1);
    }
}

void TestClusterRegistry::unavailableWithoutRedis()
{
    QVERIFY(startNodes(1));
    QSignalSpy lost(&m_nodes[0]->stream, &ClusterStream::lost);
    m_redis->stop();
    QVERIFY(lost.wait(5000));
    std::optional<Claim> result;
    m_nodes[0]->registry.claimNick(1, "alone", [&](Claim c) { result = c; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 5000);
    QCOMPARE(*result, Claim::Unavailable);
    QVERIFY(!m_nodes[0]->registry.holderOf("alone"));
}

QTEST_GUILESS_MAIN(TestClusterRegistry)
#include "tst_clusterregistry.moc"
