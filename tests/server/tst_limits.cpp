// SPDX-License-Identifier: MIT
// The abuse limits: flood control, the receive queue, the registration timeout, connections per
// address, UTF-8 only, configurable name lengths. Each limit with the reason the client is told.

#include "testserver.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSemaphore>
#include <QTest>

namespace {
RawClient::Predicate privmsgFrom(const QByteArray &nick)
{
    return [nick](const IrcMessage &m) { return m.command == "PRIVMSG" && m.sourceNick() == nick; };
}

// Limits apply to every address here: tests and the connection limit's default exempt loopback,
// which is all tests have.
ServerConfig unexempt()
{
    ServerConfig config = TestServer::defaultConfig();
    config.exempt.clear();
    config.floodExempt.clear();
    return config;
}
} // namespace

class TestLimits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void burstPassesAndTheRestIsDelayedNotLost();
    void sustainedFloodIsDroppedWithExcessFlood();
    void excessFloodIsAtTheConfiguredRecvq();
    void exemptAddressIsNotThrottled();
    void exemptClientWaitsWhileTheHubIsBehind();
    void floodControlAppliesToLoopbackByDefault();
    void registrationTimeoutDropsSilentConnection();
    void slowlorisCannotHoldASlot();
    void connectionsPerAddressAreCapped();
    void invalidUtf8IsRefusedNotRelayed();
    void nameLengthsAreConfigurable();
};

void TestLimits::burstPassesAndTheRestIsDelayedNotLost()
{
    ServerConfig config = unexempt();
    config.floodBurst = 5;
    config.floodRate = 20; // one line every 50 ms after the burst
    TestServer server(config);
    QVERIFY(server.start());
    auto flooder = server.client("flooder");
    auto reader = server.client("reader");
    QVERIFY(flooder && reader);
    QVERIFY(flooder->sync());

    constexpr int Lines = 25;
    QElapsedTimer clock;
    clock.start();
    QByteArray burst;
    for (int i = 0; i < Lines; ++i)
        burst += "PRIVMSG #lobby :line " + QByteArray::number(i) + "\r\n";
    flooder->sendRaw(burst);
    QTRY_COMPARE_WITH_TIMEOUT(reader->count(privmsgFrom("flooder")), Lines, 10000);
    // Rate limiting is a lower bound: at most burst + rate * t lines can have passed by time t.
    const double minimumMs = (Lines - config.floodBurst - 1) * 1000.0 / config.floodRate;
    QVERIFY2(clock.elapsed() >= minimumMs * 0.9, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
    // ... and close to it: the rate configured, not a fraction of it.
    QVERIFY2(clock.elapsed() <= minimumMs * 2 + 500, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
    const QList<IrcMessage> got = reader->all(privmsgFrom("flooder"));
    for (int i = 0; i < Lines; ++i)
        QCOMPARE(got.at(i).params.at(1), "line " + QByteArray::number(i));
    QVERIFY(flooder->isConnected());
    QCOMPARE(flooder->count(RawClient::command("ERROR")), 0);
}

void TestLimits::sustainedFloodIsDroppedWithExcessFlood()
{
    ServerConfig config = unexempt();
    config.floodBurst = 5;
    config.floodRate = 1;
    config.recvqBytes = 2048;
    TestServer server(config);
    QVERIFY(server.start());
    auto flooder = server.client("flooder");
    auto reader = server.client("reader");
    QVERIFY(flooder && reader);
    QByteArray flood;
    for (int i = 0; i < 200; ++i)
        flood += "PRIVMSG #lobby :" + QByteArray(80, 'x') + QByteArray::number(i) + "\r\n";
    flooder->sendRaw(flood);
    const auto error = flooder->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY2(error->params.last().contains("Excess Flood"), error->params.last().constData());
    QVERIFY(flooder->waitForDisconnected());
    const auto quit
        = reader->waitFor([](const IrcMessage &m) { return m.command == "QUIT" && m.sourceNick() == "flooder"; });
    QVERIFY(quit);
    QCOMPARE(quit->params.at(0), QByteArray("Excess Flood"));
    // What the burst allowed was delivered; the server and the reader carry on.
    QVERIFY(reader->count(privmsgFrom("flooder")) <= config.floodBurst + 2);
    QVERIFY(reader->sync());
    QTRY_COMPARE(server.server().activeConnections(), 1);
}

void TestLimits::excessFloodIsAtTheConfiguredRecvq()
{
    ServerConfig config = unexempt();
    config.floodBurst = 5;
    config.floodRate = 0.1; // next to nothing is let through while the test runs
    config.recvqBytes = 2048;
    TestServer server(config);
    QVERIFY(server.start());
    auto flooder = server.client("flooder");
    QVERIFY(flooder);
    const ClientId id = server.idOf("flooder");
    QVERIFY(id != 0);
    const auto bytesRead = [&]() -> qint64 {
        const std::optional<ConnectionTraffic> t = server.traffic(id);
        return t ? t->bytesIn : -1; // -1: dropped
    };
    const QByteArray line = "PRIVMSG #lobby :" + QByteArray(84, 'x'); // 100 bytes
    QCOMPARE(line.size(), 100);
    qint64 sent = bytesRead();

    // 20 lines: at most 2000 bytes held back (fewer if a token or more was left), under the
    // 2048 allowed. The server has read them all, and kept the client.
    QByteArray lines;
    for (int i = 0; i < 20; ++i)
        lines += line + "\r\n";
    flooder->sendRaw(lines);
    sent += lines.size();
    QTRY_COMPARE(bytesRead(), sent);
    QCOMPARE(flooder->count(RawClient::command("ERROR")), 0);

    // Six more: at least 2100 bytes held, over the limit, and the client is dropped.
    flooder->sendRaw(lines.left(6 * (line.size() + 2)));
    const auto error = flooder->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY2(error->params.last().contains("Excess Flood"), error->params.last().constData());
}

void TestLimits::exemptAddressIsNotThrottled()
{
    ServerConfig config = TestServer::defaultConfig(); // loopback flood-exempt, as --flood-exempt says
    config.floodBurst = 2;
    config.floodRate = 1;
    config.recvqBytes = 1024;
    TestServer server(config);
    QVERIFY(server.start());
    auto script = server.client("script");
    auto reader = server.client("reader");
    QVERIFY(script && reader);
    QByteArray lines;
    for (int i = 0; i < 100; ++i)
        lines += "PRIVMSG #lobby :" + QByteArray(40, 'y') + "\r\n";
    script->sendRaw(lines);
    QVERIFY(script->sync());
    QTRY_COMPARE(reader->count(privmsgFrom("script")), 100);
    QVERIFY(script->isConnected());
}

void TestLimits::exemptClientWaitsWhileTheHubIsBehind()
{
    ServerConfig config = TestServer::defaultConfig(); // loopback flood-exempt
    config.recvqBytes = 4096;
    TestServer server(config);
    QVERIFY(server.start());
    auto script = server.client("script");
    auto reader = server.client("reader");
    QVERIFY(script && reader);

    // Hold the hub up, as a burst of slow work would, while the script keeps sending.
    QSemaphore gate;
    auto *blocker = new QObject;
    blocker->moveToThread(server.server().hubThread());
    QMetaObject::invokeMethod(
        blocker, [&gate] { gate.acquire(); }, Qt::QueuedConnection);
    bool held = true;
    const auto unblock = [&] {
        if (std::exchange(held, false)) {
            gate.release();
            blocker->deleteLater();
        }
    };
    const auto unblockOnFailure = qScopeGuard(unblock);

    constexpr int Lines = 3000;
    QByteArray lines;
    for (int i = 0; i < Lines; ++i)
        lines += "PRIVMSG #lobby :" + QByteArray::number(i) + ' ' + QByteArray(40, 'y') + "\r\n";
    script->sendRaw(lines);

    // The server stops reading with about --recvq bytes (plus what one read brings) waiting for
    // the hub, not the whole burst.
    ConnectionTraffic paused;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 for (const ConnectionTraffic &t : server.server().traffic())
                                     if (t.readingPaused)
                                         paused = t;
                                 return paused.readingPaused;
                             }()),
                             10000);
    QVERIFY2(paused.unprocessedBytes >= config.recvqBytes, QByteArray::number(paused.unprocessedBytes));
    QVERIFY2(paused.unprocessedBytes <= config.recvqBytes + 16384, QByteArray::number(paused.unprocessedBytes));
    QVERIFY(paused.bytesIn < lines.size());

    // Once the hub catches up, reading resumes by itself and nothing is lost or reordered.
    unblock();
    QTRY_COMPARE_WITH_TIMEOUT(reader->count(privmsgFrom("script")), Lines, 20000);
    const QList<IrcMessage> got = reader->all(privmsgFrom("script"));
    for (int i = 0; i < Lines; ++i)
        QVERIFY(got.at(i).params.value(1).startsWith(QByteArray::number(i) + ' '));
    QVERIFY(script->isConnected());
}

void TestLimits::floodControlAppliesToLoopbackByDefault()
{
    ServerConfig config = TestServer::defaultConfig();
    config.floodExempt = ServerConfig().floodExempt; // the default: nobody
    QVERIFY(config.floodExempt.isEmpty());
    QVERIFY(config.isExempt(QHostAddress::LocalHost)); // the connection limit's exemption stays
    config.floodBurst = 5;
    config.floodRate = 1;
    config.recvqBytes = 2048;
    TestServer server(config);
    QVERIFY(server.start());
    auto local = server.client("local");
    QByteArray flood;
    for (int i = 0; i < 200; ++i)
        flood += "PRIVMSG #lobby :" + QByteArray(80, 'z') + "\r\n";
    local->sendRaw(flood);
    const auto error = local->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY2(error->params.last().contains("Excess Flood"), error->params.last().constData());
}

void TestLimits::registrationTimeoutDropsSilentConnection()
{
    ServerConfig config = TestServer::defaultConfig();
    config.registrationTimeoutMs = 300;
    TestServer server(config);
    QVERIFY(server.start());
    auto member = server.client("member");
    QVERIFY(member);
    auto lurker = server.client();
    QVERIFY(lurker);
    QElapsedTimer clock;
    clock.start();
    lurker->send("NICK lurker"); // and never USER
    const auto error = lurker->waitForCommand("ERROR");
    QVERIFY(error);
    // Near the configured 300 ms, not a multiple of it.
    QVERIFY2(clock.elapsed() >= 250 && clock.elapsed() <= 1500,
             qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
    QVERIFY2(error->params.last().contains("Registration timed out"), error->params.last().constData());
    QVERIFY(lurker->waitForDisconnected());
    // Registered clients are not affected, and the nick is free again.
    QVERIFY(member->sync());
    QVERIFY(member->isConnected());
    auto again = server.client("lurker");
    QVERIFY(again);
    QTRY_COMPARE(server.server().activeConnections(), 2);
}

void TestLimits::slowlorisCannotHoldASlot()
{
    ServerConfig config = TestServer::defaultConfig();
    config.registrationTimeoutMs = 500;
    TestServer server(config);
    QVERIFY(server.start());
    auto slow = server.client();
    QVERIFY(slow);
    // One byte every 100 ms: input keeps arriving, but registration never finishes.
    const QByteArray line = "NICK slowloris_with_a_long_name\r\n";
    QElapsedTimer clock;
    clock.start();
    qsizetype sent = 0;
    while (slow->isConnected() && clock.elapsed() < 5000) {
        if (sent < line.size() - 2)
            slow->sendRaw(line.mid(sent++, 1));
        slow->waitForDisconnected(100);
    }
    QVERIFY(!slow->isConnected());
    QVERIFY(slow->count(RawClient::command("ERROR")) == 1);
    QTRY_COMPARE(server.server().activeConnections(), 0);
}

void TestLimits::connectionsPerAddressAreCapped()
{
    ServerConfig config = unexempt();
    config.maxPerIp = 2;
    TestServer server(config);
    QVERIFY(server.start());
    auto first = server.client("first");
    auto second = server.client("second");
    QVERIFY(first && second);
    auto third = server.client();
    QVERIFY(third);
    const auto error = third->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY2(error->params.last().contains("Too many connections"), error->params.last().constData());
    QVERIFY(third->waitForDisconnected());
    // Once one leaves, there is room again.
    first->send("QUIT");
    QVERIFY(first->waitForDisconnected());
    QTRY_COMPARE(server.server().activeConnections(), 1);
    auto fourth = server.client("fourth");
    QVERIFY(fourth);
    QVERIFY(fourth->sync());
}

void TestLimits::invalidUtf8IsRefusedNotRelayed()
{
    TestServer server;
    QVERIFY(server.start());
    auto sender = server.client("sender");
    auto reader = server.client("reader");
    QVERIFY(sender && reader);
    QVERIFY(sender->isupport().contains("UTF8ONLY"));
    sender->send("PRIVMSG #lobby :caf\xe9 latin-1");
    sender->send("PRIVMSG #lobby :\xc3\xa9t\xc3\xa9 is fine");
    const auto fail = sender->waitForCommand("FAIL");
    QVERIFY(fail);
    QCOMPARE(fail->params.at(0), QByteArray("PRIVMSG"));
    QCOMPARE(fail->params.at(1), QByteArray("INVALID_UTF8"));
    const auto ok = reader->waitFor(privmsgFrom("sender"));
    QVERIFY(ok);
    QCOMPARE(ok->params.at(1), QByteArray("\xc3\xa9t\xc3\xa9 is fine"));
    QVERIFY(reader->sync());
    QCOMPARE(reader->count(privmsgFrom("sender")), 1);
    QVERIFY(sender->isConnected());
}

void TestLimits::nameLengthsAreConfigurable()
{
    ServerConfig config = TestServer::defaultConfig();
    config.nickLen = 5;
    config.channelLen = 6;
    TestServer server(config);
    QVERIFY(server.start());
    auto c = server.client();
    QVERIFY(c);
    c->send("NICK sixsix");
    QVERIFY(c->waitForCommand("432"));
    QVERIFY(c->registerAs("five", {}));
    const QList<QByteArray> isupport = c->isupport();
    QVERIFY(isupport.contains("NICKLEN=5"));
    QVERIFY(isupport.contains("CHANNELLEN=6"));
    c->send("JOIN #sixsix");
    QVERIFY(c->waitForCommand("403"));
    c->send("JOIN #five");
    QVERIFY(c->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.params.value(0) == "#five"; }));
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
