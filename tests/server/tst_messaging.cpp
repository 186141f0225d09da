// SPDX-License-Identifier: MIT
// Channel and private messaging, channel commands and queries, against a real server on port 0.

#include "testserver.h"

#include <QRegularExpression>
#include <QTest>

namespace {
ServerConfig withThreads(int threads)
{
    ServerConfig config = TestServer::defaultConfig();
    config.threads = threads;
    return config;
}

RawClient::Predicate privmsg(const QByteArray &text)
{
    return [text](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == text; };
}
} // namespace

class TestMessaging : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Any Qt warning (a timer stopped from the wrong thread, a notifier misuse, an unparseable
    // line) is a bug: fail on it.
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void broadcastReachesEveryMemberOnce_data();
    void broadcastReachesEveryMemberOnce();
    void echoMessage();
    void privateMessageReachesOnlyTarget();
    void noticeAndTagmsgAreAsPrivate();
    void fastBroadcastEveryMemberEveryLine();
    void messageErrors();
    void noticeNeverTriggersErrors();
    void joinPartQuitNotices();
    void joinZeroAndMultipleChannels();
    void topic();
    void namesWhoWhoisList();
    void awayAndAwayNotify();
    void tagsAndTagmsg();
    void textIsRelayedVerbatim();

private:
    static bool hasPrivmsg(RawClient &c, const QByteArray &text, int timeoutMs = 5000)
    {
        return c.waitFor(privmsg(text), timeoutMs).has_value();
    }
};

void TestMessaging::broadcastReachesEveryMemberOnce_data()
{
    QTest::addColumn<int>("threads");
    QTest::newRow("thread per connection") << 0;
    QTest::newRow("pool of 2") << 2;
}

void TestMessaging::broadcastReachesEveryMemberOnce()
{
    QFETCH(int, threads);
    TestServer server(withThreads(threads));
    QVERIFY(server.start());
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 6; ++i) {
        clients.push_back(server.client("user" + QByteArray::number(i)));
        QVERIFY(clients.back());
    }
    clients[0]->send("PRIVMSG #lobby :Hello, World!");
    for (size_t i = 1; i < clients.size(); ++i) {
        const auto msg = clients[i]->waitFor(privmsg("Hello, World!"));
        QVERIFY(msg);
        QCOMPARE(msg->source, QByteArray("user0!~user0@127.0.0.1"));
        QCOMPARE(msg->params.at(0), QByteArray("#lobby"));
    }
    for (auto &c : clients)
        QVERIFY(c->sync());
    for (size_t i = 1; i < clients.size(); ++i)
        QCOMPARE(clients[i]->count(privmsg("Hello, World!")), 1);
    // Without echo-message the sender gets no copy (its client draws its own line).
    QCOMPARE(clients[0]->count(privmsg("Hello, World!")), 0);
    QCOMPARE(server.server().workerThreadCount(), threads ? threads : 6);
}

void TestMessaging::echoMessage()
{
    TestServer server;
    QVERIFY(server.start());
    auto echo = server.client();
    QVERIFY(echo);
    echo->send("CAP REQ echo-message");
    QVERIFY(echo->waitForCommand("CAP"));
    echo->send("CAP END");
    QVERIFY(echo->registerAs("echo"));
    auto other = server.client("other");
    QVERIFY(other);
    echo->send("PRIVMSG #lobby :to the channel");
    QVERIFY(hasPrivmsg(*echo, "to the channel"));
    QVERIFY(hasPrivmsg(*other, "to the channel"));
    echo->send("PRIVMSG other :just you");
    const auto copy = echo->waitFor(privmsg("just you"));
    QVERIFY(copy);
    QCOMPARE(copy->params.at(0), QByteArray("other"));
    QVERIFY(hasPrivmsg(*other, "just you"));
}

void TestMessaging::privateMessageReachesOnlyTarget()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    auto carol = server.client("carol");
    QVERIFY(alice && bob && carol);
    alice->send("PRIVMSG BOB :psst, only you"); // nicks are case-insensitive
    const auto got = bob->waitFor(privmsg("psst, only you"));
    QVERIFY(got);
    QCOMPARE(got->params.at(0), QByteArray("bob"));
    QCOMPARE(got->sourceNick(), QByteArray("alice"));
    QVERIFY(carol->sync());
    QVERIFY(alice->sync());
    QCOMPARE(carol->count(privmsg("psst, only you")), 0);
    QCOMPARE(alice->count(privmsg("psst, only you")), 0);
    // Several targets at once.
    alice->send("PRIVMSG bob,carol :both of you");
    QVERIFY(hasPrivmsg(*bob, "both of you"));
    QVERIFY(hasPrivmsg(*carol, "both of you"));
}

void TestMessaging::noticeAndTagmsgAreAsPrivate()
{
    TestServer server;
    QVERIFY(server.start());
    const QByteArray caps = "message-tags";
    std::vector<std::unique_ptr<RawClient>> c;
    for (const char *nick : {"alice", "bob", "carol", "dave"}) {
        c.push_back(server.client());
        QVERIFY(c.back()->registerWithCaps(nick, caps));
    }
    RawClient &alice = *c[0], &bob = *c[1], &carol = *c[2], &dave = *c[3];
    alice.send("PRIVMSG bob :private words");
    alice.send("NOTICE bob :private notice");
    alice.send("@+typing=active TAGMSG bob");
    QVERIFY(bob.waitFor(privmsg("private words")));
    QVERIFY(bob.waitFor([](const IrcMessage &m) { return m.command == "NOTICE" && m.param(1) == "private notice"; }));
    QVERIFY(bob.waitFor([](const IrcMessage &m) { return m.command == "TAGMSG" && m.tag("+typing") == "active"; }));
    // The two bystanders share every channel with both and get none of it.
    for (RawClient *bystander : {&carol, &dave}) {
        QVERIFY(bystander->sync());
        QCOMPARE(bystander->count([](const IrcMessage &m) {
            return m.command == "PRIVMSG" || m.command == "NOTICE" || m.command == "TAGMSG";
        }),
                 0);
    }
}

void TestMessaging::fastBroadcastEveryMemberEveryLine()
{
    TestServer server;
    QVERIFY(server.start());
    constexpr int Members = 10, Lines = 20;
    std::vector<std::unique_ptr<RawClient>> c;
    for (int i = 0; i < Members; ++i) {
        c.push_back(server.client("m" + QByteArray::number(i)));
        QVERIFY(c.back());
    }
    // Everyone talks at once, as fast as it can.
    for (int line = 0; line < Lines; ++line)
        for (int i = 0; i < Members; ++i)
            c[i]->send("PRIVMSG #lobby :" + QByteArray::number(i) + ':' + QByteArray::number(line));
    for (int i = 0; i < Members; ++i) {
        RawClient &member = *c[i];
        QVERIFY2(
            QTest::qWaitFor([&] { return member.count(RawClient::command("PRIVMSG")) >= (Members - 1) * Lines; },
                            10000),
            qPrintable(QStringLiteral("member %1 got %2").arg(i).arg(member.count(RawClient::command("PRIVMSG")))));
        QVERIFY(member.sync());
        // Every other member's every line, once, in the order each sent them.
        QList<int> next(Members, 0);
        for (const IrcMessage &m : member.all(RawClient::command("PRIVMSG"))) {
            const QList<QByteArray> parts = m.params.last().split(':');
            const int from = parts.at(0).toInt(), line = parts.at(1).toInt();
            QVERIFY(from != i);
            QCOMPARE(line, next[from]);
            ++next[from];
        }
        for (int from = 0; from < Members; ++from)
            QCOMPARE(next[from], from == i ? 0 : Lines);
    }
}

void TestMessaging::messageErrors()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto outsider = server.client("outsider");
    QVERIFY(alice && outsider);
    outsider->send("PART #lobby");
    QVERIFY(outsider->waitForCommand("PART"));

    alice->send("PRIVMSG nobody :hello");
    const auto e401 = alice->waitForCommand("401");
    QVERIFY(e401 && e401->params.at(1) == "nobody");
    alice->send("PRIVMSG #nowhere :hello");
    const auto e403 = alice->waitForCommand("403");
    QVERIFY(e403 && e403->params.at(1) == "#nowhere");
    outsider->send("PRIVMSG #lobby :let me in");
    const auto e404 = outsider->waitForCommand("404");
    QVERIFY(e404 && e404->params.at(1) == "#lobby");
    alice->send("PRIVMSG");
    QVERIFY(alice->waitForCommand("411"));
    alice->send("PRIVMSG :");
    QVERIFY(alice->waitForCommand("411"));
    alice->send("PRIVMSG #lobby");
    QVERIFY(alice->waitForCommand("412"));
    alice->send("PRIVMSG #lobby :");
    QVERIFY(alice->waitForCommand("412"));
    alice->send("PART #nowhere");
    QVERIFY(alice->waitForCommand("403"));
    outsider->send("PART #lobby");
    const auto e442 = outsider->waitForCommand("442");
    QVERIFY(e442 && e442->params.at(1) == "#lobby");
    alice->send("JOIN");
    const auto e461 = alice->waitForCommand("461");
    QVERIFY(e461 && e461->params.at(1) == "JOIN");
    alice->send("JOIN nochanprefix");
    QVERIFY(alice->waitForCommand("403"));
    // Nothing above reached anybody.
    QVERIFY(outsider->sync());
    QCOMPARE(outsider->count(RawClient::command("PRIVMSG")), 0);
}

void TestMessaging::noticeNeverTriggersErrors()
{
    TestServer server;
    QVERIFY(server.start());
    auto bot = server.client("bot");
    auto human = server.client("human");
    QVERIFY(bot && human);
    bot->send("NOTICE nobody :x");
    bot->send("NOTICE #nowhere :x");
    bot->send("NOTICE human :heads up");
    const auto notice = human->waitForCommand("NOTICE");
    QVERIFY(notice && notice->params.last() == "heads up");
    QVERIFY(bot->sync());
    QCOMPARE(bot->count([](const IrcMessage &m) { return m.command == "401" || m.command == "403"; }), 0);
}

void TestMessaging::joinPartQuitNotices()
{
    TestServer server(withThreads(0));
    QVERIFY(server.start());
    auto alice = server.client("alice");
    QVERIFY(alice);
    auto bob = server.client("bob");
    QVERIFY(bob);
    const auto join = alice->waitForCommand("JOIN");
    QVERIFY(join);
    QCOMPARE(join->source, QByteArray("bob!~bob@127.0.0.1"));

    bob->send("PART #lobby :see you");
    const auto part = alice->waitForCommand("PART");
    QVERIFY(part);
    QCOMPARE(part->sourceNick(), QByteArray("bob"));
    QCOMPARE(part->params, (QList<QByteArray> {"#lobby", "see you"}));
    QVERIFY(bob->waitForCommand("PART")); // the leaver sees its own PART

    bob->send("JOIN #lobby");
    QVERIFY(alice->waitForCommand("JOIN"));
    bob->send("QUIT :gone fishing");
    const auto quit = alice->waitForCommand("QUIT");
    QVERIFY(quit);
    QCOMPARE(quit->sourceNick(), QByteArray("bob"));
    QCOMPARE(quit->params.at(0), QByteArray("Quit: gone fishing"));
    const auto error = bob->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY(bob->waitForDisconnected());
    // The nick is free again at once.
    auto bob2 = server.client("bob");
    QVERIFY(bob2);
    QTRY_COMPARE(server.server().activeConnections(), 2);
    QTRY_COMPARE(server.server().workerThreadCount(), 2);
}

void TestMessaging::joinZeroAndMultipleChannels()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    alice->send("JOIN #a,#b,#c");
    for (const QByteArray ch : {"#a", "#b", "#c"})
        QVERIFY(alice->waitFor([&](const IrcMessage &m) { return m.command == "366" && m.param(1) == ch; }));
    bob->send("JOIN #B"); // channel names are case-insensitive too
    const auto bobJoin
        = alice->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == "bob"; });
    QVERIFY(bobJoin);
    QCOMPARE(bobJoin->params.at(0), QByteArray("#b"));
    alice->send("JOIN 0");
    const auto leftB = bob->waitFor([](const IrcMessage &m) { return m.command == "PART" && m.param(0) == "#b"; });
    QVERIFY(leftB);
    QVERIFY(alice->sync());
    QCOMPARE(alice->count(RawClient::command("PART")), 4);
    bob->send("WHOIS alice");
    QVERIFY(bob->waitForCommand("318"));
    QCOMPARE(bob->count(RawClient::command("319")), 0); // in no channel any more
}

void TestMessaging::topic()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    alice->send("TOPIC #lobby");
    QVERIFY(alice->waitForCommand("331"));
    alice->send("TOPIC #lobby :Welcome to the lobby");
    const auto change = bob->waitForCommand("TOPIC");
    QVERIFY(change);
    QCOMPARE(change->params, (QList<QByteArray> {"#lobby", "Welcome to the lobby"}));
    QCOMPARE(change->sourceNick(), QByteArray("alice"));
    auto carol = server.client("carol");
    QVERIFY(carol);
    const auto shown = carol->all(RawClient::command("332"));
    QCOMPARE(shown.size(), 1);
    QCOMPARE(shown.first().params.last(), QByteArray("Welcome to the lobby"));
    QCOMPARE(carol->count(RawClient::command("333")), 1);
    carol->send("TOPIC #lobby :");
    const auto cleared
        = alice->waitFor([](const IrcMessage &m) { return m.command == "TOPIC" && m.sourceNick() == "carol"; });
    QVERIFY(cleared && cleared->params.at(1).isEmpty());
    carol->send("TOPIC #nope");
    QVERIFY(carol->waitForCommand("403"));
}

void TestMessaging::namesWhoWhoisList()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    bob->send("NAMES #lobby");
    const auto names = bob->waitForCommand("353");
    QVERIFY(names);
    QCOMPARE(names->params.last(), QByteArray("@alice bob"));
    QVERIFY(bob->waitForCommand("366"));

    bob->send("WHO #lobby");
    const auto who1 = bob->waitForCommand("352");
    const auto who2 = bob->waitForCommand("352");
    QVERIFY(who1 && who2);
    QCOMPARE(who1->params.at(5), QByteArray("alice"));
    QCOMPARE(who1->params.at(6), QByteArray("H@"));
    QCOMPARE(who2->params.at(5), QByteArray("bob"));
    QCOMPARE(who2->params.last(), QByteArray("0 Test user bob"));
    QVERIFY(bob->waitForCommand("315"));

    bob->send("WHO a*");
    const auto whoMask = bob->waitForCommand("352");
    QVERIFY(whoMask && whoMask->params.at(5) == "alice");
    const auto endMask = bob->waitForCommand("315");
    QVERIFY(endMask);
    QCOMPARE(bob->count(RawClient::command("352")), 3);

    bob->send("WHOIS alice");
    const auto user = bob->waitForCommand("311");
    QVERIFY(user);
    QCOMPARE(user->params.mid(1, 3), (QList<QByteArray> {"alice", "~alice", "127.0.0.1"}));
    const auto chans = bob->waitForCommand("319");
    QVERIFY(chans && chans->params.last() == "@#lobby");
    QVERIFY(bob->waitForCommand("317"));
    QVERIFY(bob->waitForCommand("318"));
    bob->send("WHOIS ghost");
    QVERIFY(bob->waitForCommand("401"));
    QVERIFY(bob->waitForCommand("318"));
    bob->send("WHOIS");
    QVERIFY(bob->waitForCommand("461"));
    bob->send("WHOWAS ghost");
    QVERIFY(bob->waitForCommand("406"));
    QVERIFY(bob->waitForCommand("369"));

    alice->send("JOIN #quiet");
    QVERIFY(alice->waitFor([](const IrcMessage &m) { return m.command == "366" && m.param(1) == "#quiet"; }));
    bob->send("LIST");
    QVERIFY(bob->waitForCommand("323"));
    const auto entries = bob->all(RawClient::command("322"));
    QCOMPARE(entries.size(), 2);
    for (const IrcMessage &e : entries)
        QCOMPARE(e.params.at(2), e.params.at(1) == "#lobby" ? QByteArray("2") : QByteArray("1"));

    bob->send("USERHOST alice ghost");
    const auto uh = bob->waitForCommand("302");
    QVERIFY(uh && uh->params.last() == "alice=+~alice@127.0.0.1");
    bob->send("ISON alice ghost bob");
    const auto ison = bob->waitForCommand("303");
    QVERIFY(ison && ison->params.last() == "alice bob");
    bob->send("MODE #lobby");
    const auto mode = bob->waitForCommand("324");
    QVERIFY(mode && mode->params.at(2) == "+n");
}

void TestMessaging::awayAndAwayNotify()
{
    TestServer server;
    QVERIFY(server.start());
    auto notified = server.client();
    QVERIFY(notified);
    notified->send("CAP REQ away-notify");
    notified->send("CAP END");
    QVERIFY(notified->registerAs("watcher"));
    auto plain = server.client("plain");
    auto alice = server.client("alice");
    QVERIFY(plain && alice);
    alice->send("AWAY :at lunch");
    QVERIFY(alice->waitForCommand("306"));
    const auto away = notified->waitForCommand("AWAY");
    QVERIFY(away && away->params.at(0) == "at lunch");
    plain->send("PRIVMSG alice :you there?");
    const auto auto301 = plain->waitForCommand("301");
    QVERIFY(auto301 && auto301->params.last() == "at lunch");
    QCOMPARE(plain->count(RawClient::command("AWAY")), 0);
    alice->send("AWAY");
    QVERIFY(alice->waitForCommand("305"));
    const auto back = notified->waitForCommand("AWAY");
    QVERIFY(back && back->params.isEmpty());
}

void TestMessaging::tagsAndTagmsg()
{
    TestServer server;
    QVERIFY(server.start());
    auto tagged = server.client();
    QVERIFY(tagged);
    tagged->send("CAP REQ :message-tags server-time");
    tagged->send("CAP END");
    QVERIFY(tagged->registerAs("tagged"));
    auto plain = server.client("plain");
    auto sender = server.client("sender");
    QVERIFY(plain && sender);
    sender->send("@+draft/reply=abc;+typing=active;notclient=x TAGMSG #lobby");
    sender->send("@+draft/react=\\:-) PRIVMSG #lobby :tagged text");
    const auto tagmsg = tagged->waitForCommand("TAGMSG");
    QVERIFY(tagmsg);
    QCOMPARE(tagmsg->tag("+typing"), QByteArray("active"));
    QCOMPARE(tagmsg->tag("+draft/reply"), QByteArray("abc"));
    QVERIFY(!tagmsg->hasTag("notclient")); // only client-only tags are relayed
    QVERIFY(tagmsg->hasTag("time"));
    const auto text = tagged->waitFor(privmsg("tagged text"));
    QVERIFY(text);
    QCOMPARE(text->tag("+draft/react"), QByteArray(";-)"));
    // Without message-tags: no TAGMSG at all, and plain lines without tags.
    const auto plainText = plain->waitFor(privmsg("tagged text"));
    QVERIFY(plainText);
    QVERIFY(plainText->tags.isEmpty());
    QCOMPARE(plain->count(RawClient::command("TAGMSG")), 0);
}

void TestMessaging::textIsRelayedVerbatim()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    // UTF-8, leading colons, double spaces and an escape sequence are the receiver's business
    // to display safely; the server relays the bytes unchanged inside one line.
    const QByteArray text = ":) caf\xc3\xa9  \x1b[31mred\x1b[0m  ";
    alice->send("PRIVMSG #lobby :" + text);
    QVERIFY(hasPrivmsg(*bob, text));
    // A CR smuggled into the text cannot start a second command: the framer ends the line there.
    alice->sendRaw("PRIVMSG #lobby :first\rQUIT :injected\r\n");
    QVERIFY(alice->sync());
    QVERIFY(alice->isConnected());
}

QTEST_GUILESS_MAIN(TestMessaging)
#include "tst_messaging.moc"
