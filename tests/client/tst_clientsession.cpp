// SPDX-License-Identifier: MIT
// ClientSession against a real Confab server on port 0: registration, typed events, reconnect.

#include "client/clientsession.h"
#include "client/irccommands.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

namespace {
std::unique_ptr<ClientSession> makeSession(quint16 port, const QString &nick, QStringList channels = {"#lobby"})
{
    auto s = std::make_unique<ClientSession>();
    ClientSession::Options o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = port;
    o.nick = nick;
    o.channels = channels;
    o.reconnectMinMs = 50;
    o.reconnectMaxMs = 200;
    s->setOptions(o);
    return s;
}

bool waitRegistered(ClientSession &s, const QString &channel = QStringLiteral("#lobby"))
{
    return QTest::qWaitFor(
        [&] { return s.state() == ClientSession::State::Connected && s.users(channel).contains(s.nick()); }, 5000);
}

using T = ChatEvent::Type;

// Every event a session emits, in order.
struct EventLog {
    explicit EventLog(ClientSession *s)
    {
        QObject::connect(s, &ClientSession::event, s, [this](const ChatEvent &e) { events.append(e); });
    }
    QList<ChatEvent> of(T type) const
    {
        QList<ChatEvent> out;
        for (const ChatEvent &e : events)
            if (e.type == type)
                out.append(e);
        return out;
    }
    qsizetype count(T type) const { return of(type).size(); }
    // Times the session became connected.
    qsizetype registrations() const
    {
        return std::count_if(events.begin(), events.end(), [](const ChatEvent &e) {
            return e.type == T::State && e.state == SessionState::Connected;
        });
    }
    QStringList texts(T type) const
    {
        QStringList out;
        for (const ChatEvent &e : of(type))
            out.append(e.text);
        return out;
    }
    // Waits for one more event of the type than there are now.
    bool waitForNext(T type, int timeoutMs = 5000)
    {
        const qsizetype before = count(type);
        return QTest::qWaitFor([&] { return count(type) > before; }, timeoutMs);
    }
    QList<ChatEvent> events;
};

// The messages among a session's events, in order.
struct Inbox {
    explicit Inbox(ClientSession &s)
    {
        QObject::connect(&s, &ClientSession::event, &s, [this](const ChatEvent &e) {
            if (e.type == T::Message)
                messages.append(e.message);
        });
    }
    bool waitForText(const QString &text, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return find(text) != nullptr; }, timeoutMs);
    }
    const ChatMessage *find(const QString &text) const
    {
        for (const ChatMessage &m : messages)
            if (m.text == text)
                return &m;
        return nullptr;
    }
    QList<ChatMessage> messages;
};
} // namespace

class TestClientSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void registersAndJoins();
    void channelAndPrivateMessages();
    void ownMessagesWithoutEchoCapability();
    void takenNickGetsUnderscore();
    void membershipEvents();
    void memberStatusFollowsTheServer();
    void answersCtcp();
    void ctcpAnswersAreRateLimited();
    void pingShowsTheRoundTrip();
    void errorsAreReported();
    void invitesAndModesAreShown();
    void reconnectsAfterServerRestart();
    void queueLimitRefusesVisibly();
    void quitDoesNotReconnect();
    void triesTheNextAddress();
    void refusesInjection();
    void logsInWithSasl();
    void failedLoginIsSaidOnceAndNotRetried();
    void registersAnAccount();
    void historyOnJoinAndBefore();
};

void TestClientSession::registersAndJoins()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "alice", {"#lobby", "#extra"});
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s, "#extra"));
    QCOMPARE(s->channels(), (QStringList {"#lobby", "#extra"}));
    const QList<ChatEvent> states = log.of(T::State);
    QCOMPARE(states.first().state, SessionState::Connecting);
    QCOMPARE(states.at(1).state, SessionState::Registering);
    QCOMPARE(states.at(2).state, SessionState::Connected);
    QCOMPARE(states.at(2).nick, QStringLiteral("alice"));
    QCOMPARE(states.at(2).channel, QStringLiteral("127.0.0.1:%1").arg(server.port()));
    // The server's features come as an event, so that a view can keep its own state.
    QVERIFY(std::any_of(log.events.begin(), log.events.end(), [](const ChatEvent &e) {
        return e.type == T::Support && e.list.contains(QStringLiteral("PREFIX=(ov)@+"));
    }));
    // One Names event per channel, with every member.
    QTRY_COMPARE(log.count(T::Names), 2);
    QCOMPARE(log.of(T::Names).last().channel, QStringLiteral("#extra"));
    QCOMPARE(log.of(T::Names).last().list, QStringList {"@alice"});
    QVERIFY(s->enabledCaps().contains("server-time"));
    QVERIFY(s->enabledCaps().contains("echo-message"));
    QCOMPARE(s->serverName(), QStringLiteral("test.confab"));
    QCOMPARE(s->localAddress(), QHostAddress(QHostAddress::LocalHost));
    QVERIFY(s->localPort() != 0);
}

void TestClientSession::channelAndPrivateMessages()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = makeSession(server.port(), "alice");
    auto b = makeSession(server.port(), "bob");
    Inbox inA(*a), inB(*b);
    a->open();
    b->open();
    QVERIFY(waitRegistered(*a) && waitRegistered(*b));
    QTRY_COMPARE(a->users("#lobby").size(), 2);

    a->sendMessage("#lobby", QStringLiteral("h\u00e9llo everyone"));
    QVERIFY(inB.waitForText(QStringLiteral("h\u00e9llo everyone")));
    const ChatMessage *got = inB.find(QStringLiteral("h\u00e9llo everyone"));
    QCOMPARE(got->from, QStringLiteral("alice"));
    QCOMPARE(got->target, QStringLiteral("#lobby"));
    QVERIFY(!got->isPrivate && !got->isOwn);
    QVERIFY(got->time.isValid());
    // Our own copy comes back through echo-message, marked as ours.
    QVERIFY(inA.waitForText(QStringLiteral("h\u00e9llo everyone")));
    QVERIFY(inA.find(QStringLiteral("h\u00e9llo everyone"))->isOwn);

    b->sendMessage("alice", QStringLiteral("psst alice"));
    QVERIFY(inA.waitForText(QStringLiteral("psst alice")));
    const ChatMessage *pm = inA.find(QStringLiteral("psst alice"));
    QVERIFY(pm->isPrivate);
    QCOMPARE(pm->from, QStringLiteral("bob"));
    QVERIFY(pm->isHighlight);

    b->sendAction("#lobby", QStringLiteral("waves"));
    QVERIFY(inA.waitForText(QStringLiteral("waves")));
    QCOMPARE(inA.find(QStringLiteral("waves"))->kind, ChatMessage::Kind::Action);

    // A long message is split, never truncated.
    const QString longText = QString(900, u'x');
    a->sendMessage("#lobby", longText);
    QVERIFY(QTest::qWaitFor(
        [&] {
            QString all;
            for (const ChatMessage &m : inB.messages)
                if (m.text.startsWith(u'x'))
                    all += m.text;
            return all == longText;
        },
        5000));
}

void TestClientSession::ownMessagesWithoutEchoCapability()
{
    // A server without echo-message: the session reports our own lines itself.
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "solo");
    Inbox in(*s);
    s->open();
    QVERIFY(waitRegistered(*s));
    s->sendRaw("CAP REQ -echo-message");
    QTRY_VERIFY(!s->enabledCaps().contains("echo-message"));
    s->sendMessage("#lobby", "mine");
    QVERIFY(in.waitForText("mine"));
    QVERIFY(in.find("mine")->isOwn);
    QSignalSpy synced(s.get(), &ClientSession::synced);
    s->sync("x");
    QVERIFY(synced.wait());
    int copies = 0;
    for (const ChatMessage &m : in.messages)
        copies += m.text == "mine";
    QCOMPARE(copies, 1);
}

void TestClientSession::takenNickGetsUnderscore()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = makeSession(server.port(), "taken");
    a->open();
    QVERIFY(waitRegistered(*a));
    auto b = makeSession(server.port(), "taken");
    EventLog log(b.get());
    b->open();
    QVERIFY(waitRegistered(*b));
    QCOMPARE(b->nick(), QStringLiteral("taken_"));
    QVERIFY(log.count(T::Error) > 0); // the user is told
}

namespace {
RawClient::Predicate ctcpReplyFrom(const QByteArray &nick)
{
    return [nick](const IrcMessage &m) {
        return m.command == "NOTICE" && m.sourceNick() == nick && m.param(1).startsWith('\x01');
    };
}
} // namespace

void TestClientSession::answersCtcp()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "alice");
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s));
    auto bob = server.client("bob");
    QVERIFY(bob);
    // Unknown requests get no answer: the next answer is VERSION's.
    bob->send("PRIVMSG alice :\x01"
              "FROBNICATE\x01");
    bob->send("PRIVMSG alice :\x01"
              "VERSION\x01");
    auto reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QVERIFY2(reply->params.at(1).startsWith("\x01"
                                            "VERSION confab " CONFAB_VERSION " (Qt "),
             reply->params.at(1).constData());
    bob->send("PRIVMSG alice :\x01"
              "PING 1234 5\x01");
    reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QCOMPARE(reply->params.at(1), QByteArray("\x01"
                                             "PING 1234 5\x01"));
    bob->send("PRIVMSG alice :\x01"
              "TIME\x01");
    reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QVERIFY2(QDateTime::fromString(QString::fromUtf8(reply->params.at(1).mid(6).chopped(1)), Qt::RFC2822Date).isValid(),
             reply->params.at(1).constData());
    bob->send("PRIVMSG #lobby :\x01"
              "CLIENTINFO\x01"); // to a channel: answered privately
    reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QCOMPARE(reply->params, (QList<QByteArray> {"bob", "\x01"
                                                       "CLIENTINFO ACTION CLIENTINFO PING TIME VERSION\x01"}));
    // Each request is one status line, never chat.
    const auto said = [&](const QString &text) { return log.texts(T::Info).contains(text); };
    QTRY_VERIFY(said("CTCP CLIENTINFO from bob to #lobby"));
    QVERIFY(said("CTCP FROBNICATE from bob"));
    QVERIFY(said("CTCP VERSION from bob"));
}

void TestClientSession::ctcpAnswersAreRateLimited()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "carol");
    Inbox inbox(*s);
    s->open();
    QVERIFY(waitRegistered(*s));
    auto bob = server.client("bob");
    QVERIFY(bob);
    QElapsedTimer clock;
    clock.start();
    QByteArray flood;
    for (int i = 0; i < 20; ++i)
        flood += "PRIVMSG carol :\x01"
                 "VERSION\x01\r\n";
    bob->sendRaw(flood + "PRIVMSG carol :marker\r\n");
    // Once carol has read the marker she has answered what she will; what she says next comes
    // after those answers.
    QVERIFY(inbox.waitForText("marker"));
    const qint64 elapsedMs = clock.elapsed();
    s->sendMessage("bob", "end");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1) == "end"; }));
    const int answered = bob->count(ctcpReplyFrom("carol"));
    const int allowed = Ctcp::Burst + int(elapsedMs * Ctcp::Rate / 1000) + 1;
    QVERIFY2(answered >= Ctcp::Burst && answered <= allowed,
             qPrintable(QStringLiteral("%1 answers in %2 ms").arg(answered).arg(elapsedMs)));
    QVERIFY(s->state() == ClientSession::State::Connected);
}

void TestClientSession::pingShowsTheRoundTrip()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "alice");
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s));
    auto bob = server.client("bob");
    QVERIFY(bob);
    s->sendCtcp("bob", "ping");
    const auto request = bob->waitFor([](const IrcMessage &m) {
        return m.command == "PRIVMSG"
               && m.param(1).startsWith("\x01"
                                        "PING ");
    });
    QVERIFY(request);
    bob->send("NOTICE alice :" + request->params.at(1));
    static const QRegularExpression roundTrip(QStringLiteral("^PING reply from bob: \\d+ ms$"));
    QTRY_VERIFY(!log.texts(T::Info).filter(roundTrip).isEmpty());
    // Any other reply is shown as it came.
    bob->send("NOTICE alice :\x01"
              "VERSION mIRC\x01");
    QTRY_VERIFY(log.texts(T::Info).contains(QStringLiteral("CTCP VERSION reply from bob: mIRC")));
}

void TestClientSession::memberStatusFollowsTheServer()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "alice", {"#fresh"});
    s->open();
    QVERIFY(waitRegistered(*s, "#fresh"));
    // The channel's creator is its operator, as NAMES says.
    QCOMPARE(s->members("#fresh"), QStringList {"@alice"});
    auto bob = server.client("bob");
    QVERIFY(bob);
    bob->send("JOIN #fresh");
    QTRY_COMPARE(s->members("#fresh"), (QStringList {"@alice", "bob"}));
    s->send(IrcCommands::mode("#fresh", "+v bob"));
    QTRY_COMPARE(s->members("#fresh"), (QStringList {"@alice", "+bob"}));
    bob->send("NICK aaron");
    QTRY_COMPARE(s->members("#fresh"), (QStringList {"@alice", "+aaron"}));
    s->send(IrcCommands::mode("#fresh", "+o-v aaron aaron"));
    QTRY_COMPARE(s->members("#fresh"), (QStringList {"@aaron", "@alice"}));
    QCOMPARE(s->users("#fresh"), (QStringList {"aaron", "alice"}));
    bob->send("PART #fresh");
    QTRY_COMPARE(s->members("#fresh"), QStringList {"@alice"});
}

void TestClientSession::membershipEvents()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = makeSession(server.port(), "alice");
    EventLog log(a.get());
    a->open();
    QVERIFY(waitRegistered(*a));

    auto b = makeSession(server.port(), "bob");
    b->open();
    QVERIFY(log.waitForNext(T::Join));
    QCOMPARE(log.of(T::Join).last().nick, QStringLiteral("bob"));
    QVERIFY(!log.of(T::Join).last().own);
    QTRY_COMPARE(a->users("#lobby"), (QStringList {"alice", "bob"}));

    QVERIFY(waitRegistered(*b));
    b->changeNick("robert");
    QVERIFY(log.waitForNext(T::Nick));
    QCOMPARE(log.of(T::Nick).last().nick, QStringLiteral("bob"));
    QCOMPARE(log.of(T::Nick).last().text, QStringLiteral("robert"));
    QTRY_COMPARE(a->users("#lobby"), (QStringList {"alice", "robert"}));

    b->send(IrcCommands::topic("#lobby", "new topic"));
    QVERIFY(log.waitForNext(T::Topic));
    QCOMPARE(a->topic("#lobby"), QStringLiteral("new topic"));
    QCOMPARE(log.of(T::Topic).last().nick, QStringLiteral("robert"));

    b->send(IrcCommands::part("#lobby", "brb"));
    QVERIFY(log.waitForNext(T::Part));
    QCOMPARE(log.of(T::Part).last().text, QStringLiteral("brb"));
    QTRY_COMPARE(a->users("#lobby"), QStringList {"alice"});
    b->join("#lobby");
    QVERIFY(log.waitForNext(T::Join));
    b->quit("bye now");
    QVERIFY(log.waitForNext(T::Quit));
    QCOMPARE(log.of(T::Quit).last().nick, QStringLiteral("robert"));
    QCOMPARE(log.of(T::Quit).last().text, QStringLiteral("Quit: bye now"));
    QTRY_COMPARE(a->users("#lobby"), QStringList {"alice"});

    a->send(IrcCommands::who("#lobby"));
    QTRY_VERIFY(log.texts(T::Info).contains(QStringLiteral("End of /who #lobby")));
    QCOMPARE(log.count(T::Who), 1);
    QCOMPARE(log.of(T::Who).first().nick, QStringLiteral("alice"));
    QCOMPARE(log.of(T::Who).first().channel, QStringLiteral("#lobby"));

    // A view that applies the same events to a ChatState of its own knows what the session knows.
    ChatState copy;
    for (const ChatEvent &e : log.events)
        copy.apply(e);
    QCOMPARE(copy.members("#lobby"), a->members("#lobby"));
    QCOMPARE(copy.topic("#lobby"), QStringLiteral("new topic"));
}

void TestClientSession::errorsAreReported()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = makeSession(server.port(), "alice");
    a->open();
    QVERIFY(waitRegistered(*a));
    EventLog log(a.get());
    a->sendMessage("nobody", "hello?");
    QVERIFY(log.waitForNext(T::Error));
    QVERIFY(log.texts(T::Error).last().contains("nobody"));
    a->sendRaw("FROBNICATE");
    QVERIFY(log.waitForNext(T::Error));
    QVERIFY(log.texts(T::Error).last().contains("Unknown command"));
}

void TestClientSession::invitesAndModesAreShown()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = makeSession(server.port(), "alice", {"#lobby", "#den"});
    auto b = makeSession(server.port(), "bob");
    a->open();
    b->open();
    QVERIFY(waitRegistered(*a, "#den") && waitRegistered(*b));
    EventLog logA(a.get()), logB(b.get());
    a->sendRaw(QStringLiteral("INVITE bob #den"));
    QTRY_VERIFY(logB.texts(T::Info).contains(QStringLiteral("alice invites you to #den (/join #den)")));
    a->sendRaw(QStringLiteral("MODE #den +l 5"));
    QVERIFY(logA.waitForNext(T::Mode));
    const ChatEvent mode = logA.of(T::Mode).last();
    QCOMPARE(mode.nick, QStringLiteral("alice"));
    QCOMPARE(mode.channel, QStringLiteral("#den"));
    QCOMPARE(mode.list, (QStringList {"+l", "5"}));
    QCOMPARE(mode.text, QStringLiteral("+l 5"));
    // A kick says who did it.
    b->join("#den");
    QTRY_COMPARE(a->users("#den"), (QStringList {"alice", "bob"}));
    a->send(IrcCommands::kick("#den", "bob", "not now"));
    QVERIFY(logB.waitForNext(T::Kick));
    const ChatEvent kick = logB.of(T::Kick).last();
    QCOMPARE(kick.nick, QStringLiteral("bob"));
    QCOMPARE(kick.list, QStringList {"alice"});
    QCOMPARE(kick.text, QStringLiteral("not now"));
    QVERIFY(kick.own);
    QVERIFY(!b->channels().contains(QStringLiteral("#den")));
    QTRY_COMPARE(a->users("#den"), QStringList {"alice"});
}

void TestClientSession::reconnectsAfterServerRestart()
{
    auto server = std::make_unique<TestServer>();
    QVERIFY(server->start());
    const quint16 port = server->port();
    auto s = makeSession(port, "phoenix", {"#lobby", "#rebirth"});
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s, "#rebirth"));

    server.reset(); // the server goes away (it tells us why first)
    QTRY_VERIFY(!log.texts(T::Connection).filter(QStringLiteral("Disconnected")).isEmpty());
    QVERIFY(log.texts(T::Connection).filter(QStringLiteral("Disconnected")).first().contains("shutting down"));
    QTRY_VERIFY(!log.texts(T::Connection).filter(QStringLiteral("Reconnecting in")).isEmpty());
    QVERIFY(s->members("#rebirth").isEmpty()); // nothing is known of a channel until it is back
    QVERIFY(s->state() == ClientSession::State::Reconnecting || s->state() == ClientSession::State::Connecting);
    // Typed while the server is down: queued, not lost.
    s->sendMessage("#rebirth", "sent while down");

    ServerConfig config = TestServer::defaultConfig();
    config.listen = {{QHostAddress(QHostAddress::LocalHost), port}};
    TestServer again(config);
    QVERIFY(again.start());
    auto watcher = again.client("watcher");
    QVERIFY(watcher);
    watcher->send("JOIN #rebirth");
    QVERIFY(watcher->waitForCommand("366"));

    QVERIFY(QTest::qWaitFor([&] { return log.registrations() == 2; }, 15000));
    QVERIFY(waitRegistered(*s, "#rebirth"));
    QCOMPARE(s->channels(), (QStringList {"#lobby", "#rebirth"}));
    // The whole series of attempts was told once each way.
    QCOMPARE(log.texts(T::Connection).filter(QStringLiteral("Disconnected")).size(), 1);
    QCOMPARE(log.texts(T::Connection).filter(QStringLiteral("Reconnecting in")).size(), 1);
    QVERIFY(log.texts(T::Connection).last().startsWith(QStringLiteral("Connected to test.confab as phoenix")));
    const auto msg = watcher->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; }, 5000);
    QVERIFY(msg);
    QCOMPARE(msg->params, (QList<QByteArray> {"#rebirth", "sent while down"}));
}

void TestClientSession::queueLimitRefusesVisibly()
{
    auto server = std::make_unique<TestServer>();
    QVERIFY(server->start());
    auto s = makeSession(server->port(), "q");
    ClientSession::Options o = s->options();
    o.maxQueued = 2;
    o.reconnectMinMs = 60'000; // stay disconnected
    o.reconnectMaxMs = 60'000;
    s->setOptions(o);
    s->open();
    QVERIFY(waitRegistered(*s));
    EventLog log(s.get());
    server.reset();
    QTRY_COMPARE(s->state(), SessionState::Reconnecting);
    s->sendMessage("#lobby", "1");
    s->sendMessage("#lobby", "2");
    QCOMPARE(log.count(T::Error), 0);
    s->sendMessage("#lobby", "3");
    QCOMPARE(log.count(T::Error), 1);
    QVERIFY(log.texts(T::Error).first().contains("not sent"));
}

void TestClientSession::triesTheNextAddress()
{
    // host:port has nobody listening; the second address is a server; when that one goes, the
    // session goes on to the next address in turn (the first again), where a server now is.
    auto second = std::make_unique<TestServer>();
    QVERIFY(second->start());
    QTcpServer reserved; // a port nobody answers on: taken, then closed
    QVERIFY(reserved.listen(QHostAddress::LocalHost));
    const quint16 deadPort = reserved.serverPort();
    reserved.close();
    auto s = makeSession(deadPort, QStringLiteral("hopper"));
    ClientSession::Options o = s->options();
    o.alternates = {{QStringLiteral("127.0.0.1"), second->port()}};
    o.retryFirstConnection = false; // as a script: each address once, at once
    s->setOptions(o);
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s));
    QVERIFY(!log.texts(T::Connection).filter(QString::number(deadPort)).isEmpty());

    ServerConfig firstConfig = TestServer::defaultConfig();
    firstConfig.listen = {{QHostAddress(QHostAddress::LocalHost), deadPort, false}};
    TestServer first(firstConfig);
    QVERIFY(first.start());
    second.reset();
    QVERIFY(QTest::qWaitFor([&] { return s->state() != ClientSession::State::Connected; }, 5000));
    QVERIFY(waitRegistered(*s));
    QVERIFY(first.idOf("hopper") != 0);
}

void TestClientSession::quitDoesNotReconnect()
{
    TestServer server;
    QVERIFY(server.start());
    auto observer = server.client("observer");
    QVERIFY(observer);
    auto s = makeSession(server.port(), "leaver");
    s->open();
    QVERIFY(waitRegistered(*s));
    EventLog log(s.get());
    s->quit("done here");
    const auto quit = observer->waitFor([](const IrcMessage &m) { return m.command == "QUIT"; });
    QVERIFY(quit);
    QCOMPARE(quit->params.at(0), QByteArray("Quit: done here"));
    QTRY_COMPARE(s->state(), ClientSession::State::Disconnected);
    QVERIFY(observer->sync());
    for (const ChatEvent &e : log.of(T::State))
        QVERIFY(e.state != SessionState::Reconnecting);
    s->sendMessage("#lobby", "too late");
    QCOMPARE(log.count(T::Error), 1);
}

void TestClientSession::refusesInjection()
{
    TestServer server;
    QVERIFY(server.start());
    auto observer = server.client("observer");
    QVERIFY(observer);
    auto s = makeSession(server.port(), "sneaky");
    s->open();
    QVERIFY(waitRegistered(*s));
    EventLog log(s.get());
    s->sendMessage("#lobby", "hi\r\nQUIT :owned");
    s->sendRaw("PRIVMSG #lobby :a\nQUIT");
    QCOMPARE(log.count(T::Error), 2);
    s->sendMessage("#lobby", "clean");
    QVERIFY(observer->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; }));
    QVERIFY(observer->sync());
    QCOMPARE(observer->count(RawClient::command("PRIVMSG")), 1);
    QCOMPARE(observer->count(RawClient::command("QUIT")), 0);
}

QTEST_GUILESS_MAIN(TestClientSession)

void TestClientSession::logsInWithSasl()
{
    TestServer server;
    QVERIFY(server.start());
    QVERIFY(server.accountOwner("xena", "xena-password"));
    for (const QString &mechanism : {QString(), QStringLiteral("PLAIN")}) {
        auto s = makeSession(server.port(), "xena-" + (mechanism.isEmpty() ? QStringLiteral("scram") : mechanism));
        ClientSession::Options o = s->options();
        o.account = QStringLiteral("xena");
        o.accountPassword = "xena-password";
        o.saslMechanism = mechanism;
        s->setOptions(o);
        EventLog log(s.get());
        s->open();
        QVERIFY(waitRegistered(*s));
        QCOMPARE(s->account(), QStringLiteral("xena"));
        QVERIFY(s->enabledCaps().contains("sasl"));
        QVERIFY(log.texts(T::Info).contains(QStringLiteral("You are now logged in as xena")));
        QCOMPARE(log.texts(T::Error), QStringList());
    }
}

void TestClientSession::failedLoginIsSaidOnceAndNotRetried()
{
    TestServer server;
    QVERIFY(server.start());
    QVERIFY(server.accountOwner("yuri", "yuri-password"));
    auto s = makeSession(server.port(), "yuri2");
    ClientSession::Options o = s->options();
    o.account = QStringLiteral("yuri");
    o.accountPassword = "wrong-password";
    s->setOptions(o);
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s));
    QVERIFY(s->account().isEmpty());
    const auto loginFailures
        = [&] { return log.texts(T::Error).filter(QStringLiteral("Login as yuri failed")).size(); };
    QCOMPARE(loginFailures(), 1);
    // Thrown out and back: the wrong password is not sent again.
    QVERIFY(server.server().terminate(server.idOf("yuri2"), "bye"));
    QVERIFY(QTest::qWaitFor([&] { return log.registrations() == 2; }, 15000));
    QVERIFY(waitRegistered(*s));
    QCOMPARE(loginFailures(), 1);
    QVERIFY(s->account().isEmpty());
}

void TestClientSession::registersAnAccount()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "zoe");
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s));
    s->registerAccount(QStringLiteral("zoe-password"));
    QTRY_COMPARE_WITH_TIMEOUT(s->account(), QStringLiteral("zoe"), 20000);
    QVERIFY(!log.texts(T::Info).filter(QStringLiteral("Account zoe registered")).isEmpty());
}

void TestClientSession::historyOnJoinAndBefore()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    for (int i = 1; i <= 60; ++i)
        bob->send("PRIVMSG #lobby :said " + QByteArray::number(i));
    QVERIFY(bob->sync());
    auto s = makeSession(server.port(), "alice");
    EventLog log(s.get());
    s->open();
    QVERIFY(waitRegistered(*s));
    QVERIFY(s->offersHistory());
    // On joining: the latest page, oldest first, each with its msgid and the server's time.
    QTRY_COMPARE(log.count(T::History), 1);
    const ChatEvent latest = log.of(T::History).first();
    QCOMPARE(latest.text, QStringLiteral("latest"));
    QCOMPARE(latest.channel, QStringLiteral("#lobby"));
    QCOMPARE(latest.messages.size(), ClientSession::HistoryPage);
    QCOMPARE(latest.messages.first().text, QStringLiteral("said 11"));
    QCOMPARE(latest.messages.last().text, QStringLiteral("said 60"));
    QVERIFY(!latest.messages.first().msgid.isEmpty());
    QVERIFY(latest.messages.first().time.isValid() && latest.messages.first().time <= latest.messages.last().time);
    // History is not news: none of it came as a live message.
    QCOMPARE(log.count(T::Message), 0);
    // Before the oldest shown: the rest, then nothing.
    s->requestBefore("#lobby", latest.messages.first().msgid, latest.messages.first().time);
    QTRY_COMPARE(log.count(T::History), 2);
    const ChatEvent before = log.of(T::History).last();
    QCOMPARE(before.text, QStringLiteral("before"));
    QCOMPARE(before.messages.size(), 10);
    QCOMPARE(before.messages.first().text, QStringLiteral("said 1"));
    s->requestBefore("#lobby", before.messages.first().msgid, before.messages.first().time);
    QTRY_COMPARE(log.count(T::History), 3);
    QVERIFY(log.of(T::History).last().messages.isEmpty());
    // The read marker: told on join (nothing read), then where we say we read up to.
    QVERIFY(!log.of(T::ReadMarker).isEmpty());
    QVERIFY(!log.of(T::ReadMarker).first().stamp.isValid());
    const QDateTime readUntil = latest.messages.last().time;
    s->markRead("#lobby", readUntil);
    QTRY_COMPARE(log.count(T::ReadMarker), 2);
    QCOMPARE(log.of(T::ReadMarker).last().stamp, readUntil);
    // An older one is not sent at all (the server would answer it with the newer one).
    s->markRead("#lobby", readUntil.addSecs(-60));
    QSignalSpy synced(s.get(), &ClientSession::synced);
    s->sync("x");
    QVERIFY(synced.wait());
    QCOMPARE(log.count(T::ReadMarker), 2);
}

#include "tst_clientsession.moc"
