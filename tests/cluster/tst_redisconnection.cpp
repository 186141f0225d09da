// SPDX-License-Identifier: MIT
// RedisConnection against a real redis-server of the test's own (ThrowawayRedis): replies of
// every type, AUTH and SELECT from the address, publish/subscribe, and a Redis that goes away
// and comes back. RedisAddress's parsing of --cluster URLs.

#include "cluster/redisconnection.h"
#include "config/redisaddress.h"
#include "throwawayredis.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

// Sends a command and waits for its reply.
class Caller {
public:
    explicit Caller(RedisConnection &c)
        : m_c(c)
    {
    }
    std::optional<RedisReply> call(const QList<QByteArray> &args)
    {
        std::optional<RedisReply> reply;
        m_c.command(args, [&reply](const RedisReply &r) { reply = r; });
        if (!QTest::qWaitFor([&] { return reply.has_value(); }, 5000))
            return std::nullopt;
        return reply;
    }

private:
    RedisConnection &m_c;
};

} // namespace

class TestRedisConnection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void addressParsing_data();
    void addressParsing();
    void repliesOfEveryType();
    void authAndDatabase();
    void wrongPasswordIsSaidOnce();
    void publishSubscribeInOrder();
    void survivesRedisRestart();
};

void TestRedisConnection::addressParsing_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("shown"); // toString(), or a word of the error
    QTest::newRow("host only") << "redis://127.0.0.1" << true << "redis://127.0.0.1:6379";
    QTest::newRow("port and db") << "redis://localhost:7000/3" << true << "redis://localhost:7000/3";
    QTest::newRow("password hidden") << "redis://:s3cret@10.0.0.1:6379" << true << "redis://:***@10.0.0.1:6379";
    QTest::newRow("user and password") << "redis://node:pw@host:1" << true << "redis://node:***@host:1";
    QTest::newRow("ipv6") << "redis://[::1]:6380" << true << "redis://[::1]:6380";
    QTest::newRow("escaped password") << "redis://:p%40ss@h" << true << "redis://:***@h:6379";
    QTest::newRow("other scheme") << "http://host" << false << "redis://";
    QTest::newRow("no host") << "redis://:6379" << false << "host";
    QTest::newRow("port 0") << "redis://h:0" << false << "port";
    QTest::newRow("port too big") << "redis://h:70000" << false << "URL";
    QTest::newRow("db not a number") << "redis://h/x" << false << "database";
    QTest::newRow("db negative") << "redis://h/-1" << false << "database";
    QTest::newRow("db with junk") << "redis://h/1/2" << false << "database";
    QTest::newRow("query") << "redis://h?x=1" << false << "query";
    QTest::newRow("user without password") << "redis://user@h" << false << "password";
    QTest::newRow("bad host") << "redis://ho_st" << false << "host";
    QTest::newRow("scoped ipv6") << "redis://[fe80::1%25eth0]" << false << "host";
    QTest::newRow("upper case, trailing slash") << "redis://Redis.Example:1/" << true << "redis://redis.example:1";
    QTest::newRow("empty password") << "redis://:@h" << true << "redis://h:6379";
    QTest::newRow("user with @") << "redis://a%40b:pw@h" << true << "redis://a%40b:***@h:6379";
    QTest::newRow("user, empty password") << "redis://u:@h" << false << "password";
}

void TestRedisConnection::addressParsing()
{
    QFETCH(QString, url);
    QFETCH(bool, valid);
    QFETCH(QString, shown);
    QString error;
    const std::optional<RedisAddress> a = RedisAddress::parse(url, &error);
    QCOMPARE(a.has_value(), valid);
    if (valid) {
        QCOMPARE(a->toString(), shown);
        QVERIFY(!a->toString().contains(u"s3cret"));
        // What the log shows names the same place.
        const std::optional<RedisAddress> again = RedisAddress::parse(shown, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->host, a->host);
        QCOMPARE(again->port, a->port);
        QCOMPARE(again->database, a->database);
    } else {
        QVERIFY2(error.contains(shown), qPrintable(error));
    }
}

void TestRedisConnection::repliesOfEveryType()
{
    ThrowawayRedis redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    RedisConnection c(redis.address());
    QSignalSpy ready(&c, &RedisConnection::ready);
    c.open();
    QVERIFY(ready.wait(5000));
    Caller call(c);

    std::optional<RedisReply> r = call.call({"SET", "greeting", QByteArray("hello\0world", 11)});
    QVERIFY(r && r->type == RedisReply::Type::Status && r->string == "OK");
    r = call.call({"GET", "greeting"});
    QVERIFY(r && r->type == RedisReply::Type::String);
    QCOMPARE(r->string, QByteArray("hello\0world", 11)); // binary-safe both ways
    r = call.call({"INCRBY", "counter", "41"});
    QVERIFY(r && r->type == RedisReply::Type::Integer && r->integer == 41);
    r = call.call({"GET", "missing"});
    QVERIFY(r && r->isNil());
    r = call.call({"RPUSH", "list", "a", "b", "c"});
    QVERIFY(r && r->integer == 3);
    r = call.call({"LRANGE", "list", "0", "-1"});
    QVERIFY(r && r->type == RedisReply::Type::Array);
    QCOMPARE(r->elements.size(), 3);
    QCOMPARE(r->elements.at(2).string, QByteArray("c"));
    r = call.call({"INCR", "greeting"});
    QVERIFY(r && r->isError());
    QVERIFY(r->string.contains("not an integer"));

    // Replies come back in the order the commands went out.
    QList<qint64> order;
    for (int i = 0; i < 200; ++i)
        c.command({"INCR", "sequence"}, [&order](const RedisReply &reply) { order.append(reply.integer); });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 200, 5000);
    for (int i = 0; i < 200; ++i)
        QCOMPARE(order.at(i), qint64(i + 1));
}

void TestRedisConnection::authAndDatabase()
{
    ThrowawayRedis redis("pa:ss@word");
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    RedisConnection inThree(redis.address(3));
    RedisConnection inZero(redis.address(0));
    QSignalSpy readyThree(&inThree, &RedisConnection::ready);
    QSignalSpy readyZero(&inZero, &RedisConnection::ready);
    inThree.open();
    inZero.open();
    QVERIFY(readyThree.wait(5000));
    QVERIFY(readyZero.count() == 1 || readyZero.wait(5000));
    QVERIFY(Caller(inThree).call({"SET", "where", "three"})->string == "OK");
    QCOMPARE(Caller(inThree).call({"GET", "where"})->string, QByteArray("three"));
    QVERIFY(Caller(inZero).call({"GET", "where"})->isNil());
}

void TestRedisConnection::wrongPasswordIsSaidOnce()
{
    ThrowawayRedis redis("right");
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    RedisAddress address = redis.address();
    address.password = "wrong";
    RedisConnection c(address);
    QSignalSpy lost(&c, &RedisConnection::lost);
    QSignalSpy ready(&c, &RedisConnection::ready);
    c.open();
    QVERIFY(lost.wait(5000));
    const QString why = lost.first().first().toString();
    QVERIFY2(why.contains(u"refused the login"), qPrintable(why));
    QVERIFY(!why.contains(u"wrong"));
    // It keeps trying (a fixed Redis may come back), but says so only once per outage, and a
    // command meanwhile is answered with an error rather than kept.
    std::optional<RedisReply> r = Caller(c).call({"PING"});
    QVERIFY(r && r->isError());
    QVERIFY(!lost.wait(600));
    QCOMPARE(lost.count(), 1);
    QCOMPARE(ready.count(), 0);
}

void TestRedisConnection::publishSubscribeInOrder()
{
    ThrowawayRedis redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    RedisConnection subscriber(redis.address());
    RedisConnection publisher(redis.address());
    QSignalSpy subscriberReady(&subscriber, &RedisConnection::ready);
    QSignalSpy publisherReady(&publisher, &RedisConnection::ready);
    subscriber.subscribe("confab:test");
    subscriber.subscribe("confab:other");
    subscriber.open();
    publisher.open();
    QVERIFY(subscriberReady.wait(5000));
    QVERIFY(publisherReady.count() == 1 || publisherReady.wait(5000));
    // Published until the subscription is in place: then 500 more, in order, exactly once.
    QList<QByteArray> received;
    connect(&subscriber, &RedisConnection::message, this, [&](const QByteArray &channel, const QByteArray &payload) {
        if (channel == "confab:test")
            received.append(payload);
    });
    QVERIFY(QTest::qWaitFor(
        [&] {
            const std::optional<RedisReply> r = Caller(publisher).call({"PUBLISH", "confab:test", "probe"});
            return r && r->integer == 1;
        },
        5000));
    received.clear();
    for (int i = 0; i < 500; ++i)
        publisher.command({"PUBLISH", "confab:test", QByteArray::number(i)});
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 500, 5000);
    for (int i = 0; i < 500; ++i)
        QCOMPARE(received.at(i), QByteArray::number(i));

    subscriber.unsubscribe("confab:test");
    QVERIFY(QTest::qWaitFor(
        [&] {
            const std::optional<RedisReply> r = Caller(publisher).call({"PUBLISH", "confab:test", "gone"});
            return r && r->integer == 0;
        },
        5000));
    const std::optional<RedisReply> other = Caller(publisher).call({"PUBLISH", "confab:other", "still"});
    QVERIFY(other && other->integer == 1);
}

void TestRedisConnection::survivesRedisRestart()
{
    ThrowawayRedis redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    RedisConnection subscriber(redis.address());
    RedisConnection c(redis.address());
    QSignalSpy ready(&c, &RedisConnection::ready);
    QSignalSpy lost(&c, &RedisConnection::lost);
    QSignalSpy subscriberReady(&subscriber, &RedisConnection::ready);
    QSignalSpy messages(&subscriber, &RedisConnection::message);
    subscriber.subscribe("confab:news");
    subscriber.open();
    c.open();
    QVERIFY(ready.wait(5000));
    QVERIFY(subscriberReady.count() == 1 || subscriberReady.wait(5000));

    // A command in flight when Redis dies gets an error, not silence.
    std::optional<RedisReply> inFlight;
    c.command({"BLPOP", "never", "0"}, [&](const RedisReply &r) { inFlight = r; });
    redis.stop();
    QVERIFY(lost.wait(5000));
    QTRY_VERIFY_WITH_TIMEOUT(inFlight.has_value(), 5000);
    QVERIFY(inFlight->isError());
    QVERIFY(!c.isReady());
    std::optional<RedisReply> meanwhile = Caller(c).call({"PING"});
    QVERIFY(meanwhile && meanwhile->isError());

    QVERIFY2(redis.start(), qPrintable(redis.error()));
    QVERIFY(ready.wait(10000));
    QCOMPARE(lost.count(), 1);
    QVERIFY(subscriberReady.count() == 2 || subscriberReady.wait(10000));
    const std::optional<RedisReply> pong = Caller(c).call({"PING"});
    QVERIFY(pong && pong->string == "PONG");
    // The subscription was renewed on the new connection.
    const std::optional<RedisReply> published = Caller(c).call({"PUBLISH", "confab:news", "back"});
    QVERIFY(published && published->integer == 1);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, 5000);
    QCOMPARE(messages.first().at(1).toByteArray(), QByteArray("back"));
}

QTEST_GUILESS_MAIN(TestRedisConnection)
#include "tst_redisconnection.moc"
