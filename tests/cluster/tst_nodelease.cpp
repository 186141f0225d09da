// SPDX-License-Identifier: MIT
// NodeLease on a real redis-server the test starts (with short leases, so that the test is
// quick): a node that stops refreshing without a word (as after kill -9) is noticed by the
// others once its lease runs out, and exactly one of them gets to clean up; a clean stop is no
// loss; a node whose registration was taken away learns it.

#include "cluster/nodelease.h"
#include "cluster/redisconnection.h"
#include "config/redisaddress.h"
#include "throwawayredis.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

const NodeLease::Timing Quick {1500, 300, 200};

} // namespace

class TestNodeLease : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void silentNodeIsReapedOnce();
    void cleanStopIsNoLoss();
    void reapedNodeLearnsIt();
};

void TestNodeLease::silentNodeIsReapedOnce()
{
    ThrowawayRedis redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    std::vector<std::unique_ptr<NodeLease>> nodes;
    for (int i = 1; i <= 3; ++i)
        nodes.push_back(std::make_unique<NodeLease>(redis.address(), "node-" + QByteArray::number(i), 1000 + i, Quick));
    QList<QPair<QByteArray, qint64>> lost;
    int registered = 0;
    for (auto &n : nodes) {
        connect(n.get(), &NodeLease::registered, this, [&] { ++registered; });
        connect(n.get(), &NodeLease::nodeLost, this, [&](const QByteArray &name, qint64 incarnation) {
            lost.append({name, incarnation});
        });
        n->start();
    }
    QTRY_COMPARE_WITH_TIMEOUT(registered, 3, 5000);
    for (auto &n : nodes)
        QTRY_COMPARE_WITH_TIMEOUT(n->others().size(), 2, 5000);
    QCOMPARE(nodes[0]->others().value("node-3"), qint64(1003));

    // node-3 goes without a word: no deregistration, no more refreshes.
    nodes.pop_back();
    QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 10000);
    QCOMPARE(lost.first().first, QByteArray("node-3"));
    QCOMPARE(lost.first().second, qint64(1003));
    // Both survivors stop seeing it, and neither reports it again.
    for (auto &n : nodes)
        QTRY_VERIFY_WITH_TIMEOUT(!n->others().contains("node-3"), 5000);
    // Three more checks by each survivor report nothing more.
    for (auto &n : nodes) {
        QSignalSpy checks(n.get(), &NodeLease::checked);
        QTRY_VERIFY_WITH_TIMEOUT(checks.count() >= 3, 5000);
    }
    QCOMPARE(lost.size(), 1);
    for (auto &n : nodes)
        QCOMPARE(n->others().size(), 1);
}

void TestNodeLease::cleanStopIsNoLoss()
{
    ThrowawayRedis redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    NodeLease a(redis.address(), "a", 1, Quick);
    NodeLease b(redis.address(), "b", 2, Quick);
    QSignalSpy lostByA(&a, &NodeLease::nodeLost);
    QSignalSpy registeredB(&b, &NodeLease::registered);
    a.start();
    b.start();
    QVERIFY(registeredB.wait(5000));
    QTRY_COMPARE_WITH_TIMEOUT(a.others().size(), 1, 5000);
    b.stop(true);
    QTRY_COMPARE_WITH_TIMEOUT(a.others().size(), 0, 5000);
    QCOMPARE(lostByA.count(), 0);
}

void TestNodeLease::reapedNodeLearnsIt()
{
    ThrowawayRedis redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    NodeLease a(redis.address(), "a", 1, Quick);
    QSignalSpy registered(&a, &NodeLease::registered);
    QSignalSpy selfLost(&a, &NodeLease::selfLost);
    a.start();
    QVERIFY(registered.wait(5000));
    // As another node would after a's lease ran out while it was paused.
    RedisConnection raw(redis.address());
    QSignalSpy rawReady(&raw, &RedisConnection::ready);
    raw.open();
    QVERIFY(rawReady.wait(5000));
    raw.command({"HDEL", NodeLease::NodesKey, "a"});
    QVERIFY(selfLost.wait(5000));
    // It did not register again under the name it lost.
    std::optional<RedisReply> exists;
    raw.command({"HEXISTS", NodeLease::NodesKey, "a"}, [&](const RedisReply &r) { exists = r; });
    QTRY_VERIFY(exists.has_value());
    QCOMPARE(exists->integer, qint64(0));
}

QTEST_GUILESS_MAIN(TestNodeLease)
#include "tst_nodelease.moc"
