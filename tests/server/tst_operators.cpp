// SPDX-License-Identifier: MIT
// Authority on the server: OPER and KILL, and channel operators with KICK, INVITE and MODE
// (+o +v +m +t +b +k +l +i), each refusal with its numeric.

#include "testserver.h"

#include <QRegularExpression>
#include <QTest>

namespace {
RawClient::Predicate numeric(const char *code)
{
    return [code](const IrcMessage &m) { return m.command == code; };
}

RawClient::Predicate modeChange(const QByteArray &changes)
{
    return [changes](const IrcMessage &m) { return m.command == "MODE" && m.params.mid(1).join(' ') == changes; };
}

RawClient::Predicate privmsgFrom(const QByteArray &nick)
{
    return [nick](const IrcMessage &m) { return m.command == "PRIVMSG" && m.sourceNick() == nick; };
}

std::unique_ptr<RawClient> joined(TestServer &server, const QByteArray &nick, const QByteArray &channel)
{
    auto c = server.client(nick);
    if (!c)
        return nullptr;
    c->send("JOIN " + channel);
    if (!c->waitFor([&](const IrcMessage &m) { return m.command == "366" && m.param(1) == channel; }))
        return nullptr;
    return c;
}

// alice creates #room (and so runs it); the others join it after her.
struct Room {
    explicit Room(TestServer &server, QList<QByteArray> others = {"bob"})
    {
        alice = joined(server, "alice", "#room");
        for (const QByteArray &nick : others)
            members.push_back(joined(server, nick, "#room"));
    }
    bool ok() const
    {
        return alice && std::all_of(members.begin(), members.end(), [](const auto &m) { return m != nullptr; });
    }
    std::unique_ptr<RawClient> alice;
    std::vector<std::unique_ptr<RawClient>> members;
};
} // namespace

class TestOperators : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Any Qt warning fails the test, but not the server's own log of a failed OPER.
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("^(?!failed OPER)."))); }
    void operNeedsTheRightPassword();
    void killIsForOperatorsOnly();
    void chghostChangesTheHostmask();
    void kickByChannelOperator();
    void moderatedAndVoice();
    void topicLock();
    void bans();
    void keyAndLimit();
    void inviteOnly();
    void nonOperatorsCannotChangeModes();

private:
    static ServerConfig withOper()
    {
        ServerConfig config = TestServer::defaultConfig();
        config.opers = {{"admin", OperAccount::hash("s3cret")}, {"plain", "clear-text"}};
        return config;
    }
};

void TestOperators::operNeedsTheRightPassword()
{
    TestServer server(withOper());
    QVERIFY(server.start());
    auto c = server.client("carol");
    QVERIFY(c);
    c->send("OPER nobody s3cret");
    QVERIFY(c->waitFor(numeric("491")));
    c->send("OPER admin wrong");
    QVERIFY(c->waitFor(numeric("464")));
    QVERIFY(c->isConnected());
    c->send("MODE carol");
    auto umode = c->waitFor(numeric("221"));
    QVERIFY(umode && umode->params.last() == "+");
    c->send("OPER admin s3cret");
    QVERIFY(c->waitFor(numeric("381")));
    QVERIFY(c->waitFor([](const IrcMessage &m) {
        return m.command == "MODE" && m.params == QList<QByteArray> {"carol", "+o"};
    }));
    c->send("MODE carol");
    umode = c->waitFor(numeric("221"));
    QVERIFY(umode && umode->params.last() == "+o");
    c->send("MODE carol -o");
    QVERIFY(c->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.params.last() == "-o"; }));
    // A clear-text account works too (the hash is recommended, not required).
    c->send("OPER plain clear-text");
    QVERIFY(c->waitFor(numeric("381")));
}

void TestOperators::killIsForOperatorsOnly()
{
    TestServer server(withOper());
    QVERIFY(server.start());
    auto op = server.client("op");
    auto bob = server.client("bob");
    auto watcher = server.client("watcher");
    QVERIFY(op && bob && watcher);
    bob->send("KILL op :mutiny");
    QVERIFY(bob->waitFor(numeric("481")));
    op->send("OPER admin s3cret");
    QVERIFY(op->waitFor(numeric("381")));
    op->send("KILL ghost :gone");
    QVERIFY(op->waitFor(numeric("401")));
    op->send("KILL bob :spamming");
    const auto error = bob->waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY2(error->params.last().contains("Killed (op (spamming))"), error->params.last().constData());
    QVERIFY(bob->waitForDisconnected());
    const auto quit
        = watcher->waitFor([](const IrcMessage &m) { return m.command == "QUIT" && m.sourceNick() == "bob"; });
    QVERIFY(quit);
    QCOMPARE(quit->params.at(0), QByteArray("Killed (op (spamming))"));
}

void TestOperators::chghostChangesTheHostmask()
{
    TestServer server(withOper());
    QVERIFY(server.start());
    auto op = server.client("op");
    auto target = server.client("target");
    auto plain = server.client("plain");
    auto aware = std::make_unique<RawClient>();
    QVERIFY(op && target && plain && aware->connectTo(server.address(), server.port()));
    QVERIFY(aware->registerWithCaps("aware", "chghost"));

    plain->send("CHGHOST target cloak example.org");
    QVERIFY(plain->waitFor(numeric("481")));
    op->send("OPER admin s3cret");
    QVERIFY(op->waitFor(numeric("381")));
    op->send("CHGHOST ghost cloak example.org");
    QVERIFY(op->waitFor(numeric("401")));
    for (const QByteArray &bad :
         {QByteArray("CHGHOST target cloak :bad host"), QByteArray("CHGHOST target a@b example.org"),
          QByteArray("CHGHOST target cloak exa!mple.org")}) {
        op->send(bad);
        const auto fail = op->waitForCommand("FAIL");
        QVERIFY2(fail && fail->params.mid(0, 2) == (QList<QByteArray> {"CHGHOST", "INVALID_PARAMS"}), bad.constData());
    }

    op->send("CHGHOST target cloak example.org");
    // Those who asked for chghost are told, from the old mask; the user is told its new host.
    const auto change = aware->waitForCommand("CHGHOST");
    QVERIFY(change);
    QCOMPARE(change->sourceNick(), QByteArray("target"));
    QVERIFY2(change->source.endsWith("@127.0.0.1"), change->source.constData());
    QCOMPARE(change->params, (QList<QByteArray> {"cloak", "example.org"}));
    const auto visible = target->waitFor(numeric("396"));
    QVERIFY(visible);
    QCOMPARE(visible->params.at(1), QByteArray("example.org"));
    // Without the capability nothing is said; the next message shows the new mask.
    target->send("PRIVMSG #lobby :masked");
    const auto said = plain->waitFor(privmsgFrom("target"));
    QVERIFY(said);
    QCOMPARE(said->source, QByteArray("target!cloak@example.org"));
    QCOMPARE(plain->count(RawClient::command("CHGHOST")), 0);

    // The address behind it: to operators and the user, not to others.
    plain->send("WHOIS target");
    const auto whois = plain->waitFor(numeric("311"));
    QVERIFY(whois && whois->params.at(2) == "cloak" && whois->params.at(3) == "example.org");
    QVERIFY(plain->waitFor(numeric("318")));
    QCOMPARE(plain->count(numeric("378")), 0);
    plain->send("WHO target %uhi");
    const auto whox = plain->waitFor(numeric("354"));
    QVERIFY(whox);
    QCOMPARE(whox->params.mid(1), (QList<QByteArray> {"cloak", "255.255.255.255", "example.org"}));
    op->send("WHOIS target");
    const auto real = op->waitFor(numeric("378"));
    QVERIFY(real);
    QVERIFY2(real->params.last().contains("127.0.0.1"), real->params.last().constData());
}

void TestOperators::kickByChannelOperator()
{
    TestServer server;
    QVERIFY(server.start());
    Room room(server, {"bob", "carol"});
    QVERIFY(room.ok());
    RawClient &bob = *room.members[0];
    RawClient &carol = *room.members[1];
    bob.send("KICK #room alice :coup");
    QVERIFY(bob.waitFor(numeric("482")));
    room.alice->send("KICK #room ghost");
    QVERIFY(room.alice->waitFor(numeric("441")));
    room.alice->send("KICK #room bob :behave");
    for (RawClient *c : {room.alice.get(), &bob, &carol}) {
        const auto kick = c->waitForCommand("KICK");
        QVERIFY(kick);
        QCOMPARE(kick->params, (QList<QByteArray> {"#room", "bob", "behave"}));
        QCOMPARE(kick->sourceNick(), QByteArray("alice"));
    }
    bob.send("PRIVMSG #room :still here?");
    QVERIFY(bob.waitFor(numeric("404")));
    QVERIFY(carol.sync());
    QCOMPARE(carol.count(privmsgFrom("bob")), 0);
}

void TestOperators::moderatedAndVoice()
{
    TestServer server;
    QVERIFY(server.start());
    Room room(server);
    QVERIFY(room.ok());
    RawClient &bob = *room.members[0];
    room.alice->send("MODE #room +m");
    QVERIFY(bob.waitFor(modeChange("+m")));
    bob.send("PRIVMSG #room :can anyone hear me");
    QVERIFY(bob.waitFor(numeric("404")));
    room.alice->send("MODE #room +v bob");
    QVERIFY(bob.waitFor(modeChange("+v bob")));
    bob.send("PRIVMSG #room :now I can speak");
    const auto heard = room.alice->waitFor(privmsgFrom("bob"));
    QVERIFY(heard && heard->params.at(1) == "now I can speak");
    bob.send("NAMES #room");
    const auto names = bob.waitFor(numeric("353"));
    QVERIFY(names);
    QCOMPARE(names->params.last(), QByteArray("@alice +bob"));
    // WHO and WHOIS show the same status as NAMES.
    bob.send("WHO #room");
    for (const auto &[nick, flags] : {std::pair {"alice", "H@"}, std::pair {"bob", "H+"}}) {
        const auto who = bob.waitFor(
            [nick = QByteArray(nick)](const IrcMessage &m) { return m.command == "352" && m.param(5) == nick; });
        QVERIFY(who);
        QCOMPARE(who->param(6), QByteArray(flags));
    }
    room.alice->send("WHOIS bob");
    const auto channels = room.alice->waitFor(numeric("319"));
    QVERIFY(channels);
    QCOMPARE(channels->params.last(), QByteArray("#lobby +#room")); // #lobby: the autojoin
    room.alice->send("MODE #room");
    const auto modes = room.alice->waitFor(numeric("324"));
    QVERIFY(modes && modes->params.at(2) == "+nm");
}

void TestOperators::topicLock()
{
    TestServer server;
    QVERIFY(server.start());
    Room room(server);
    QVERIFY(room.ok());
    RawClient &bob = *room.members[0];
    bob.send("TOPIC #room :open for all");
    QVERIFY(room.alice->waitFor([](const IrcMessage &m) { return m.command == "TOPIC"; }));
    room.alice->send("MODE #room +t");
    QVERIFY(bob.waitFor(modeChange("+t")));
    bob.send("TOPIC #room :mine now");
    QVERIFY(bob.waitFor(numeric("482")));
    room.alice->send("TOPIC #room :by the operator");
    const auto topic = bob.waitFor([](const IrcMessage &m) { return m.command == "TOPIC"; });
    QVERIFY(topic && topic->params.at(1) == "by the operator");
}

void TestOperators::bans()
{
    TestServer server;
    QVERIFY(server.start());
    Room room(server);
    QVERIFY(room.ok());
    RawClient &bob = *room.members[0];
    room.alice->send("MODE #room +b bob");
    QVERIFY(bob.waitFor(modeChange("+b bob!*@*")));
    // A banned member is silenced...
    bob.send("PRIVMSG #room :hello?");
    QVERIFY(bob.waitFor(numeric("404")));
    // ...and cannot come back.
    bob.send("PART #room");
    QVERIFY(bob.waitForCommand("PART"));
    bob.send("JOIN #room");
    QVERIFY(bob.waitFor(numeric("474")));
    room.alice->send("MODE #room b");
    const auto entry = room.alice->waitFor(numeric("367"));
    QVERIFY(entry);
    QCOMPARE(entry->params.at(1), QByteArray("#room"));
    QCOMPARE(entry->params.at(2), QByteArray("bob!*@*"));
    QVERIFY(entry->params.at(3).startsWith("alice!")); // who set it
    QVERIFY(room.alice->waitFor(numeric("368")));
    room.alice->send("MODE #room -b bob!*@*");
    QVERIFY(room.alice->waitFor(modeChange("-b bob!*@*")));
    bob.send("JOIN #room");
    QVERIFY(room.alice->waitFor([](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == "bob"; }));
}

void TestOperators::keyAndLimit()
{
    TestServer server;
    QVERIFY(server.start());
    Room room(server);
    QVERIFY(room.ok());
    room.alice->send("MODE #room +kl secret 3");
    QVERIFY(room.alice->waitFor(modeChange("+kl secret 3")));
    auto carol = server.client("carol", {});
    QVERIFY(carol);
    carol->send("MODE #room");
    const auto shown = carol->waitFor(numeric("324"));
    QVERIFY(shown);
    QCOMPARE(shown->params.mid(2), (QList<QByteArray> {"+nkl", "*", "3"})); // not a member: no key
    carol->send("JOIN #room");
    QVERIFY(carol->waitFor(numeric("475")));
    carol->send("JOIN #room wrong");
    QVERIFY(carol->waitFor(numeric("475")));
    carol->send("JOIN #room secret");
    QVERIFY(carol->waitFor([](const IrcMessage &m) { return m.command == "JOIN"; }));
    auto dave = server.client("dave", {});
    QVERIFY(dave);
    dave->send("JOIN #room secret");
    QVERIFY(dave->waitFor(numeric("471")));
    room.alice->send("MODE #room +l many");
    QVERIFY(room.alice->waitFor(numeric("696")));
    room.alice->send("MODE #room -lk");
    QVERIFY(room.alice->waitFor(modeChange("-lk *")));
    dave->send("JOIN #room");
    QVERIFY(dave->waitFor([](const IrcMessage &m) { return m.command == "JOIN"; }));
}

void TestOperators::inviteOnly()
{
    TestServer server;
    QVERIFY(server.start());
    Room room(server);
    QVERIFY(room.ok());
    RawClient &bob = *room.members[0];
    auto carol = server.client("carol", {});
    QVERIFY(carol);
    room.alice->send("MODE #room +i");
    QVERIFY(bob.waitFor(modeChange("+i")));
    carol->send("JOIN #room");
    QVERIFY(carol->waitFor(numeric("473")));
    bob.send("INVITE carol #room");
    QVERIFY(bob.waitFor(numeric("482")));
    room.alice->send("INVITE bob #room");
    QVERIFY(room.alice->waitFor(numeric("443")));
    room.alice->send("INVITE carol #room");
    QVERIFY(room.alice->waitFor(numeric("341")));
    const auto invite = carol->waitForCommand("INVITE");
    QVERIFY(invite);
    QCOMPARE(invite->params, (QList<QByteArray> {"carol", "#room"}));
    QCOMPARE(invite->sourceNick(), QByteArray("alice"));
    carol->send("JOIN #room");
    QVERIFY(carol->waitFor([](const IrcMessage &m) { return m.command == "JOIN"; }));
    // An invitation is good for one join.
    carol->send("PART #room");
    QVERIFY(carol->waitForCommand("PART"));
    carol->send("JOIN #room");
    QVERIFY(carol->waitFor(numeric("473")));
}

void TestOperators::nonOperatorsCannotChangeModes()
{
    TestServer server;
    QVERIFY(server.start());
    Room room(server);
    QVERIFY(room.ok());
    RawClient &bob = *room.members[0];
    bob.send("MODE #room +tmo bob");
    QVERIFY(bob.waitFor(numeric("482")));
    bob.send("MODE #room +x");
    QVERIFY(bob.waitFor(numeric("472")));
    bob.send("MODE #room");
    const auto modes = bob.waitFor(numeric("324"));
    QVERIFY(modes && modes->params.at(2) == "+n");
    // Exactly one 482 for the whole command, and no MODE went out.
    QCOMPARE(bob.count(numeric("482")), 1);
    QVERIFY(room.alice->sync());
    QCOMPARE(room.alice->count(RawClient::command("MODE")), 0);
}

QTEST_GUILESS_MAIN(TestOperators)
#include "tst_operators.moc"
