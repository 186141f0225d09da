// SPDX-License-Identifier: MIT
// A bounded soak of confab-server as a process: a few hundred clients joining and leaving
// channels, changing nicks, chatting and dropping abruptly at random (a fixed seed, so a failure
// replays). The checker holds the server to exactly-once delivery to every member present, and
// at the end to its baseline of threads, descriptors and (within slack) memory.
//
// Rounds keep it checkable: first membership changes, then a PING round trip from everyone (the
// server has applied them all), then messages, which every member present must receive exactly
// once and nobody else at all. Clients that drop while messages are in flight only lose
// their own deliveries, and their own messages are not counted.

#include "rawclient.h"
#include "serverprocess.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <map>
#include <memory>

namespace {
const QString Binary = QStringLiteral(CONFAB_SERVER_BINARY);
const QList<QByteArray> Channels = {"#alpha", "#beta", "#gamma"};
constexpr int Clients = 200;
// CI runs 30 rounds (well under a minute); CONFAB_SOAK_ROUNDS=1000 makes it a real soak.
const int Rounds
    = qEnvironmentVariableIsSet("CONFAB_SOAK_ROUNDS") ? qEnvironmentVariableIntValue("CONFAB_SOAK_ROUNDS") : 30;

struct Peer {
    std::unique_ptr<RawClient> client;
    QByteArray nick;
    QSet<QByteArray> channels;
    qsizetype seen = 0;        // messages of this client already checked
    QSet<QByteArray> received; // message ids
};

bool isBenchText(const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1).startsWith("soak "); }
} // namespace

class TestSoak : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void churnKeepsDeliveryExactAndResourcesBounded();

private:
    bool connectPeer(Peer &peer, const QHostAddress &host, quint16 port, int serial);
};

bool TestSoak::connectPeer(Peer &peer, const QHostAddress &host, quint16 port, int serial)
{
    peer.client = std::make_unique<RawClient>();
    peer.nick = "p" + QByteArray::number(serial);
    peer.channels.clear();
    peer.received.clear();
    peer.seen = 0;
    return peer.client->connectTo(host, port) && peer.client->registerAs(peer.nick, {});
}

void TestSoak::churnKeepsDeliveryExactAndResourcesBounded()
{
    QProcess server;
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(ServerProcess::start(server, Binary, {"--listen", "127.0.0.1:0", "--autojoin", ""}, &host, &port));
    const qint64 pid = server.processId();

    int serial = 0;
    std::vector<Peer> peers(Clients);
    // Warm-up: one full connect/disconnect cycle, so the baseline includes the pool threads and
    // the allocator's caches, and what is measured afterwards is growth.
    for (Peer &p : peers)
        QVERIFY(connectPeer(p, host, port, ++serial));
    for (Peer &p : peers)
        p.client.reset();
    // The baseline is taken once the server has closed every warm-up connection (slow under the
    // sanitizers), so that what remains is its own descriptors.
    QTRY_COMPARE_WITH_TIMEOUT(ServerProcess::connectionDescriptors(pid), 0, 20000);
    const int baseFds = ServerProcess::openDescriptors(pid);
    const qint64 baseThreads = ServerProcess::statusField(pid, "Threads");
    const qint64 baseRss = ServerProcess::statusField(pid, "VmRSS");
    QVERIFY(baseFds > 0 && baseThreads > 0 && baseRss > 0);

    for (Peer &p : peers)
        QVERIFY(connectPeer(p, host, port, ++serial));
    QTRY_COMPARE(ServerProcess::connectionDescriptors(pid), int(peers.size())); // all registered

    QRandomGenerator rng(20261123);
    long checkedDeliveries = 0;
    int drops = 0, nickChanges = 0;
    for (int round = 0; round < Rounds; ++round) {
        // 1. Membership churn.
        for (Peer &p : peers) {
            const quint32 dice = rng.bounded(100);
            if (dice < 4) { // drop abruptly, a new client takes the slot
                p.client->socket().abort();
                ++drops;
                QVERIFY(connectPeer(p, host, port, ++serial));
            } else if (dice < 30) {
                const QByteArray ch = Channels.at(int(rng.bounded(quint32(Channels.size()))));
                if (p.channels.contains(ch)) {
                    p.client->send("PART " + ch);
                    p.channels.remove(ch);
                } else {
                    p.client->send("JOIN " + ch);
                    p.channels.insert(ch);
                }
            } else if (dice < 34) {
                p.nick = "n" + QByteArray::number(++serial);
                p.client->send("NICK " + p.nick);
                ++nickChanges;
            }
        }
        // 2. Everyone's changes are applied: a PING round trip from every client (all sent first,
        // so the waits overlap).
        const QByteArray token = "round" + QByteArray::number(round);
        for (Peer &p : peers)
            p.client->send("PING :" + token);
        for (Peer &p : peers)
            QVERIFY2(p.client->waitFor(
                         [&](const IrcMessage &m) { return m.command == "PONG" && m.params.endsWith(token); }, 10000),
                     p.nick.constData());

        // 3. Messages, and a few drops while they are in flight.
        std::map<QByteArray, std::pair<const Peer *, QByteArray>> sent; // id -> (sender, channel)
        QSet<const Peer *> droppedNow;
        for (Peer &p : peers) {
            if (p.channels.isEmpty() || rng.bounded(100) >= 25)
                continue;
            for (int k = 0; k < 2; ++k) {
                const QList<QByteArray> mine(p.channels.begin(), p.channels.end());
                const QByteArray ch = mine.at(int(rng.bounded(quint32(mine.size()))));
                const QByteArray id = QByteArray::number(round) + '-' + p.nick + '-' + QByteArray::number(k);
                p.client->send("PRIVMSG " + ch + " :soak " + id);
                sent[id] = {&p, ch};
            }
        }
        for (Peer &p : peers) {
            if (rng.bounded(100) < 2) {
                p.client->socket().abort();
                droppedNow.insert(&p);
                ++drops;
            }
        }
        // 4. Check: wait until every live member has every message of a live sender.
        auto expectedFor = [&](const Peer &p) {
            QSet<QByteArray> ids;
            for (const auto &[id, from] : sent)
                if (from.first != &p && !droppedNow.contains(from.first) && p.channels.contains(from.second))
                    ids.insert(id);
            return ids;
        };
        for (Peer &p : peers) {
            if (droppedNow.contains(&p))
                continue;
            const QSet<QByteArray> want = expectedFor(p);
            auto collect = [&] {
                for (; p.seen < p.client->receivedCount(); ++p.seen) {
                    const IrcMessage &m = p.client->message(p.seen);
                    if (!isBenchText(m))
                        continue;
                    const QByteArray id = m.param(1).mid(5);
                    QVERIFY2(!p.received.contains(id), qPrintable("duplicate " + id + " at " + p.nick));
                    const auto it = sent.find(id);
                    QVERIFY2(it != sent.end(), qPrintable("unknown " + id));
                    QVERIFY2(p.channels.contains(it->second.second) && m.param(0) == it->second.second,
                             qPrintable(id + " reached non-member " + p.nick));
                    p.received.insert(id);
                }
            };
            const bool complete = QTest::qWaitFor(
                [&] {
                    collect();
                    return QTest::currentTestFailed() || (want - p.received).isEmpty();
                },
                10000);
            if (QTest::currentTestFailed())
                return;
            QVERIFY2(complete,
                     qPrintable(p.nick + " is missing "
                                + QList<QByteArray>((want - p.received).begin(), (want - p.received).end()).join(' ')));
            // Messages from senders dropped mid-round may or may not have arrived; nothing else.
            for (const QByteArray &id : p.received)
                QVERIFY(want.contains(id) || droppedNow.contains(sent.at(id).first));
            checkedDeliveries += want.size();
            p.received.clear();
        }
        // The dropped ones come back as new clients for the next round.
        for (Peer &p : peers)
            if (droppedNow.contains(&p))
                QVERIFY(connectPeer(p, host, port, ++serial));
    }
    qInfo("soak: %d rounds, %ld deliveries checked, %d abrupt drops, %d nick changes, %d connections in all", Rounds,
          checkedDeliveries, drops, nickChanges, serial);
    QVERIFY(checkedDeliveries > 10'000);

    // Everyone leaves, half politely, half abruptly.
    for (size_t i = 0; i < peers.size(); ++i) {
        if (i % 2)
            peers[i].client->send("QUIT :bye");
        else
            peers[i].client->socket().abort();
    }
    peers.clear();
    QTRY_COMPARE_WITH_TIMEOUT(ServerProcess::connectionDescriptors(pid), 0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(ServerProcess::openDescriptors(pid), baseFds, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(ServerProcess::statusField(pid, "Threads"), baseThreads, 20000);
    const qint64 rss = ServerProcess::statusField(pid, "VmRSS");
    qInfo("soak: RSS %lld KB at baseline, %lld KB after", baseRss / 1024, rss / 1024);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // The sanitizers' allocators keep freed memory (quarantine, shadow), so RSS says nothing
    // here; under ASan the leak checker does, when the server exits below (a leak makes that
    // exit non-zero), and the plain build checks the bound.
#else
    // Freed memory is not always returned to the kernel, so allow slack; a leak of a few KB per
    // connection over the ~1000 connections made here would still show.
    QVERIFY2(rss < baseRss + 8 * 1024 * 1024,
             qPrintable(QStringLiteral("%1 -> %2 KB").arg(baseRss / 1024).arg(rss / 1024)));
#endif

    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    QByteArray why;
    QVERIFY2(ServerProcess::exitedCleanly(server, &why), why.constData());
}

QTEST_GUILESS_MAIN(TestSoak)
#include "tst_soak.moc"
