// SPDX-License-Identifier: MIT
// The operator console against a real server with real clients: every command does what it
// says to the connections it names.

#include "serverconsole.h"
#include "testserver.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

namespace {
// The console's id for `nick`, read from its own `list` output.
QString idOf(ServerConsole &console, const QByteArray &nick)
{
    const QStringList lines = console.execute(QStringLiteral("list")).split(u'\n');
    for (const QString &line : lines) {
        const QStringList cols = line.split(u' ', Qt::SkipEmptyParts);
        if (cols.size() > 2 && cols.at(1) == QString::fromLatin1(nick))
            return cols.at(0);
    }
    return {};
}
} // namespace

class TestServerConsole : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void helpAndUnknown();
    void myPortAndMyIp();
    void listShowsConnections();
    void sendReachesOneClient();
    void broadcastReachesEveryone();
    void terminateClosesWithReason();
    void exitAsksForShutdown();
};

void TestServerConsole::helpAndUnknown()
{
    TestServer server;
    QVERIFY(server.start());
    ServerConsole console(&server.server());
    const QString help = console.execute(QStringLiteral("help"));
    for (const char *cmd : {"myip", "myport", "list", "terminate", "send", "broadcast", "nodes", "exit"})
        QVERIFY2(help.contains(QLatin1String(cmd)), cmd);
    QVERIFY(console.execute(QStringLiteral("frobnicate")).contains(QStringLiteral("unknown command 'frobnicate'")));
    QVERIFY(console.execute(QStringLiteral("send")).startsWith(QStringLiteral("usage:")));
    QVERIFY(console.execute(QStringLiteral("terminate x")).startsWith(QStringLiteral("usage:")));
    QCOMPARE(console.execute(QStringLiteral("   ")), QString());
    // One server alone: no cluster to show (tests/cluster shows one).
    QVERIFY(console.execute(QStringLiteral("nodes")).startsWith(QStringLiteral("not in a cluster")));
}

void TestServerConsole::myPortAndMyIp()
{
    TestServer server;
    QVERIFY(server.start());
    ServerConsole console(&server.server());
    QCOMPARE(console.execute(QStringLiteral("myport")), QString::number(server.port()) + u'\n');
    QCOMPARE(console.execute(QStringLiteral("myip")), QStringLiteral("127.0.0.1\n"));
}

void TestServerConsole::listShowsConnections()
{
    TestServer server;
    QVERIFY(server.start());
    ServerConsole console(&server.server());
    QVERIFY(console.execute(QStringLiteral("list")).contains(QStringLiteral("no connections")));
    auto alice = server.client("alice");
    auto anonymous = server.client();
    QVERIFY(alice && anonymous);
    QVERIFY(anonymous->sync());
    const QString out = console.execute(QStringLiteral("list"));
    QVERIFY2(out.contains(QStringLiteral("2 connections")), qPrintable(out));
    const QStringList row = out.split(u'\n').filter(QStringLiteral(" alice ")).value(0).split(u' ', Qt::SkipEmptyParts);
    QVERIFY2(row.size() >= 8, qPrintable(out));
    QCOMPARE(row.at(2), QStringLiteral("127.0.0.1"));
    QCOMPARE(row.at(3).toUShort(), alice->socket().localPort());
    // Bytes in: at least the NICK and USER lines it sent; out: at least the welcome burst.
    QVERIFY(row.at(5).toLongLong() > 20);
    QVERIFY(row.at(7).toLongLong() > 100 || row.at(8) == u"KB");
    QVERIFY2(out.contains(QStringLiteral(" - ")), qPrintable(out)); // the unregistered one
}

void TestServerConsole::sendReachesOneClient()
{
    TestServer server;
    QVERIFY(server.start());
    ServerConsole console(&server.server());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    const QString id = idOf(console, "alice");
    QVERIFY(!id.isEmpty());
    QCOMPARE(console.execute(QStringLiteral("send ") + id + QStringLiteral(" maintenance at noon")),
             QStringLiteral("sent to ") + id + u'\n');
    const auto notice = alice->waitForCommand("NOTICE");
    QVERIFY(notice);
    QCOMPARE(notice->source, QByteArray("test.confab"));
    QCOMPARE(notice->params, (QList<QByteArray> {"alice", "maintenance at noon"}));
    QVERIFY(bob->sync());
    QCOMPARE(bob->count(RawClient::command("NOTICE")), 0);
    QCOMPARE(console.execute(QStringLiteral("send 999 hello")), QStringLiteral("no connection 999\n"));
}

void TestServerConsole::broadcastReachesEveryone()
{
    TestServer server;
    QVERIFY(server.start());
    ServerConsole console(&server.server());
    auto alice = server.client("alice");
    auto bob = server.client("bob", {});
    QVERIFY(alice && bob);
    QCOMPARE(console.execute(QStringLiteral("broadcast restarting in 5 minutes")),
             QStringLiteral("sent to 2 clients\n"));
    for (RawClient *c : {alice.get(), bob.get()}) {
        const auto notice = c->waitForCommand("NOTICE");
        QVERIFY(notice);
        QCOMPARE(notice->params, (QList<QByteArray> {"$test.confab", "restarting in 5 minutes"}));
    }
}

void TestServerConsole::terminateClosesWithReason()
{
    TestServer server;
    QVERIFY(server.start());
    ServerConsole console(&server.server());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    const QString id = idOf(console, "bob");
    QCOMPARE(console.execute(QStringLiteral("terminate ") + id + QStringLiteral(" spamming")),
             QStringLiteral("terminated ") + id + u'\n');
    const auto error = bob->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY2(error->params.last().contains("Terminated by the server operator: spamming"),
             error->params.last().constData());
    QVERIFY(bob->waitForDisconnected());
    const auto quit = alice->waitForCommand("QUIT");
    QVERIFY(quit);
    QCOMPARE(quit->sourceNick(), QByteArray("bob"));
    QTRY_COMPARE(server.server().activeConnections(), 1);
    QCOMPARE(console.execute(QStringLiteral("terminate ") + id), QStringLiteral("no connection ") + id + u'\n');
}

void TestServerConsole::exitAsksForShutdown()
{
    TestServer server;
    QVERIFY(server.start());
    ServerConsole console(&server.server());
    QSignalSpy exit(&console, &ServerConsole::exitRequested);
    QCOMPARE(console.execute(QStringLiteral("exit")), QStringLiteral("shutting down\n"));
    QCOMPARE(exit.count(), 1);
}

QTEST_GUILESS_MAIN(TestServerConsole)
#include "tst_serverconsole.moc"
