// SPDX-License-Identifier: MIT
// Registration, capability negotiation and the welcome burst, against a real server on port 0.

#include "testserver.h"

#include <QRegularExpression>
#include <QTest>

class TestRegistration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Any Qt warning (a timer stopped from the wrong thread, a notifier misuse, an unparseable
    // line) is a bug: fail on it.
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void welcomeBurstAndAutojoin();
    void capLsIsAnsweredBeforeNick();
    void capNegotiationHoldsRegistration();
    void capReqIsAllOrNothing();
    void nickCollisionIsCaseInsensitive();
    void nickErrors();
    void commandsBeforeRegistration();
    void userErrors();
    void nickChangeIsAnnouncedToPeersOnce();
    void passwordRequired();
    void motdFromConfig();
    void maxClients();
    void noAutojoin();
    void ipv6();

private:
    static bool hasIsupport(const RawClient &c, const QByteArray &token);
};

bool TestRegistration::hasIsupport(const RawClient &c, const QByteArray &token)
{
    for (const IrcMessage &m : c.all(RawClient::command("005")))
        if (m.params.contains(token))
            return true;
    return false;
}

void TestRegistration::welcomeBurstAndAutojoin()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    QVERIFY(alice);
    for (const QByteArray num : {"001", "002", "003", "004"})
        QVERIFY2(alice->count(RawClient::command(num)) == 1, num.constData());
    // ISUPPORT comes in lines of at most 13 tokens.
    const QList<IrcMessage> isupportLines = alice->all(RawClient::command("005"));
    QVERIFY(!isupportLines.isEmpty());
    for (const IrcMessage &line : isupportLines)
        QVERIFY2(line.params.size() - 2 <= 13, line.serialize().value_or("").constData());
    QVERIFY(alice->all(RawClient::command("001")).first().params.last().contains("alice!~alice@127.0.0.1"));
    QVERIFY(hasIsupport(*alice, "CASEMAPPING=ascii"));
    QVERIFY(hasIsupport(*alice, "CHANTYPES=#"));
    QVERIFY(hasIsupport(*alice, "NICKLEN=30"));
    QCOMPARE(alice->count(RawClient::command("422")), 1); // no MOTD configured
    // The seeds' single shared room with no command at all: the autojoin channel.
    const QList<IrcMessage> joins = alice->all(RawClient::command("JOIN"));
    QCOMPARE(joins.size(), 1);
    QCOMPARE(joins.first().params, QList<QByteArray> {"#lobby"});
    QCOMPARE(joins.first().source, QByteArray("alice!~alice@127.0.0.1"));
    const QList<IrcMessage> names = alice->all(RawClient::command("353"));
    QCOMPARE(names.size(), 1);
    QCOMPARE(names.first().params.last(), QByteArray("@alice")); // the creator runs the channel
}

void TestRegistration::capLsIsAnsweredBeforeNick()
{
    // irssi sends only "CAP LS 302" and waits for the reply before it says anything else.
    TestServer server;
    QVERIFY(server.start());
    auto c = server.client();
    QVERIFY(c);
    c->send("CAP LS 302");
    const auto ls = c->waitForCommand("CAP");
    QVERIFY(ls);
    QCOMPARE(ls->params.at(0), QByteArray("*"));
    QCOMPARE(ls->params.at(1), QByteArray("LS"));
    const QList<QByteArray> offered = ls->params.at(2).split(' ');
    for (const QByteArray cap :
         {"multi-prefix", "server-time", "message-tags", "away-notify", "echo-message", "userhost-in-names"})
        QVERIFY2(offered.contains(cap), cap.constData());
}

void TestRegistration::capNegotiationHoldsRegistration()
{
    TestServer server;
    QVERIFY(server.start());
    auto c = server.client();
    QVERIFY(c);
    c->send("CAP LS 302");
    c->send("NICK capper");
    c->send("USER capper 0 * :Cap Per");
    c->send("CAP REQ :server-time userhost-in-names");
    const auto ack = c->waitForCommand("CAP");
    QVERIFY(ack && ack->params.at(1) == "LS");
    const auto ack2 = c->waitForCommand("CAP");
    QVERIFY(ack2);
    QCOMPARE(ack2->params.at(1), QByteArray("ACK"));
    QCOMPARE(ack2->params.at(2), QByteArray("server-time userhost-in-names"));
    QVERIFY(c->sync());
    QCOMPARE(c->count(RawClient::command("001")), 0); // still negotiating
    c->send("CAP LIST");
    const auto list = c->waitForCommand("CAP");
    QVERIFY(list && list->params.at(1) == "LIST");
    QCOMPARE(list->params.at(2), QByteArray("server-time userhost-in-names"));
    c->send("CAP END");
    const auto welcome = c->waitForCommand("001");
    QVERIFY(welcome);
    QVERIFY(welcome->hasTag("time")); // server-time now applies to everything
    const auto names = c->waitForCommand("353");
    QVERIFY(names);
    QCOMPARE(names->params.last(), QByteArray("@capper!~capper@127.0.0.1"));
}

void TestRegistration::capReqIsAllOrNothing()
{
    TestServer server;
    QVERIFY(server.start());
    auto c = server.client("reqer");
    QVERIFY(c);
    c->send("CAP REQ :server-time no-such-cap");
    const auto nak = c->waitForCommand("CAP");
    QVERIFY(nak);
    QCOMPARE(nak->params.at(1), QByteArray("NAK"));
    c->send("CAP LIST");
    const auto list = c->waitForCommand("CAP");
    QVERIFY(list);
    QCOMPARE(list->params.at(2), QByteArray()); // nothing was enabled
    c->send("CAP BOGUS");
    QVERIFY(c->waitForCommand("410"));
}

void TestRegistration::nickCollisionIsCaseInsensitive()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("Alice");
    QVERIFY(alice);
    auto other = server.client();
    QVERIFY(other);
    other->send("NICK aLiCe");
    const auto err = other->waitForCommand("433");
    QVERIFY(err);
    QCOMPARE(err->params.at(0), QByteArray("*"));
    QCOMPARE(err->params.at(1), QByteArray("aLiCe"));
    // The same client can still register under a free nick.
    QVERIFY(other->registerAs("alice_"));
}

void TestRegistration::nickErrors()
{
    TestServer server;
    QVERIFY(server.start());
    auto c = server.client();
    QVERIFY(c);
    c->send("NICK");
    QVERIFY(c->waitForCommand("431"));
    c->send("NICK 9lives");
    const auto bad = c->waitForCommand("432");
    QVERIFY(bad && bad->params.at(1) == "9lives");
    c->send("NICK " + QByteArray(31, 'n'));
    QVERIFY(c->waitForCommand("432"));
}

void TestRegistration::commandsBeforeRegistration()
{
    TestServer server;
    QVERIFY(server.start());
    auto c = server.client();
    QVERIFY(c);
    c->send("JOIN #x");
    QVERIFY(c->waitForCommand("451"));
    c->send("PRIVMSG #lobby :hi");
    QVERIFY(c->waitForCommand("451"));
    c->send("FROBNICATE");
    QVERIFY(c->waitForCommand("451"));
    // PING works before registration (clients use it to measure lag early).
    QVERIFY(c->sync());
    QVERIFY(c->registerAs("late"));
    c->send("FROBNICATE now");
    const auto unknown = c->waitForCommand("421");
    QVERIFY(unknown && unknown->params.at(1) == "FROBNICATE");
}

void TestRegistration::userErrors()
{
    TestServer server;
    QVERIFY(server.start());
    auto c = server.client();
    QVERIFY(c);
    c->send("USER onlyone");
    const auto more = c->waitForCommand("461");
    QVERIFY(more && more->params.at(1) == "USER");
    QVERIFY(c->registerAs("user1"));
    c->send("USER again 0 * :x");
    QVERIFY(c->waitForCommand("462"));
    c->send("PASS late");
    QVERIFY(c->waitForCommand("462"));
}

void TestRegistration::nickChangeIsAnnouncedToPeersOnce()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    auto carol = server.client("carol");
    QVERIFY(alice && bob && carol);
    carol->send("PART #lobby");
    QVERIFY(carol->waitForCommand("PART"));
    // bob shares two channels with alice: he must still see the change once.
    alice->send("JOIN #second");
    bob->send("JOIN #second");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#second"; }));
    alice->send("NICK Alicia");
    const auto own = alice->waitForCommand("NICK");
    QVERIFY(own);
    QCOMPARE(own->source, QByteArray("alice!~alice@127.0.0.1"));
    QCOMPARE(own->params.at(0), QByteArray("Alicia"));
    QVERIFY(bob->waitForCommand("NICK"));
    QVERIFY(bob->sync());
    QCOMPARE(bob->count(RawClient::command("NICK")), 1);
    QVERIFY(carol->sync());
    QCOMPARE(carol->count(RawClient::command("NICK")), 0); // shares no channel
    // The old nick is free again, the new one taken.
    bob->send("PRIVMSG alice :still there?");
    QVERIFY(bob->waitForCommand("401"));
    carol->send("NICK alice");
    QVERIFY(carol->waitForCommand("NICK"));
}

void TestRegistration::passwordRequired()
{
    ServerConfig config = TestServer::defaultConfig();
    config.password = "s3cret";
    TestServer server(config);
    QVERIFY(server.start());

    auto wrong = server.client();
    QVERIFY(wrong);
    wrong->send("PASS nope");
    wrong->send("NICK wrong");
    wrong->send("USER w 0 * :w");
    QVERIFY(wrong->waitForCommand("464"));
    QVERIFY(wrong->waitForCommand("ERROR"));
    QVERIFY(wrong->waitForDisconnected());
    QCOMPARE(wrong->count(RawClient::command("001")), 0);

    auto none = server.client();
    QVERIFY(none);
    none->send("NICK none");
    none->send("USER n 0 * :n");
    QVERIFY(none->waitForCommand("464"));
    QVERIFY(none->waitForDisconnected());

    auto right = server.client();
    QVERIFY(right);
    right->send("PASS s3cret");
    QVERIFY(right->registerAs("right"));
}

void TestRegistration::motdFromConfig()
{
    ServerConfig config = TestServer::defaultConfig();
    config.motd = {"Welcome to the test server", "Be nice"};
    config.hasMotd = true;
    TestServer server(config);
    QVERIFY(server.start());
    auto c = server.client("reader");
    QVERIFY(c);
    QCOMPARE(c->count(RawClient::command("375")), 1);
    const QList<IrcMessage> lines = c->all(RawClient::command("372"));
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(1).params.last(), QByteArray("- Be nice"));
    QCOMPARE(c->count(RawClient::command("376")), 1);
    c->send("MOTD");
    QVERIFY(c->waitForCommand("376"));
    QCOMPARE(c->count(RawClient::command("372")), 4);
}

void TestRegistration::maxClients()
{
    ServerConfig config = TestServer::defaultConfig();
    config.maxClients = 2;
    TestServer server(config);
    QVERIFY(server.start());
    auto a = server.client("a");
    auto b = server.client("b");
    QVERIFY(a && b);
    auto c = server.client();
    QVERIFY(c);
    const auto error = c->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY(error->params.at(0).contains("full"));
    QVERIFY(c->waitForDisconnected());
    // A slot frees up when someone leaves.
    a->send("QUIT");
    QVERIFY(a->waitForDisconnected());
    QTRY_COMPARE(server.server().activeConnections(), 1);
    QVERIFY(server.client("c"));
}

void TestRegistration::noAutojoin()
{
    ServerConfig config = TestServer::defaultConfig();
    config.autojoin.clear();
    TestServer server(config);
    QVERIFY(server.start());
    auto c = server.client("loner", {});
    QVERIFY(c);
    QVERIFY(c->sync());
    QCOMPARE(c->count(RawClient::command("JOIN")), 0);
}

void TestRegistration::ipv6()
{
    ServerConfig config = TestServer::defaultConfig();
    config.listen = {{QHostAddress(QHostAddress::LocalHostIPv6), 0}};
    TestServer server(config);
    if (!server.start())
        QSKIP("no IPv6 loopback on this machine");
    auto c = server.client("six");
    QVERIFY(c);
    // The hostmask must stay parseable: "::1" would start with ':'.
    const auto join = c->all(RawClient::command("JOIN"));
    QCOMPARE(join.first().source, QByteArray("six!~six@0::1"));
}

QTEST_GUILESS_MAIN(TestRegistration)
#include "tst_registration.moc"
