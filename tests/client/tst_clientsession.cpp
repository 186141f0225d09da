// ClientSession against a real Confab server on port 0: registration, typed events, reconnect.

#include "client/clientsession.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
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
    return QTest::qWaitFor([&] { return s.state() == ClientSession::State::Connected && s.users(channel).contains(s.nick()); },
                           5000);
}

// Collects messageReceived in order.
struct Inbox {
    explicit Inbox(ClientSession &s)
    {
        QObject::connect(&s, &ClientSession::messageReceived, &s, [this](const ChatMessage &m) { messages.append(m); });
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
    void refusesInjection();
    void logsInWithSasl();
    void failedLoginIsSaidOnceAndNotRetried();
    void registersAnAccount();
};

void TestClientSession::registersAndJoins()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "alice", {"#lobby", "#extra"});
    QSignalSpy registered(s.get(), &ClientSession::registered);
    QSignalSpy states(s.get(), &ClientSession::stateChanged);
    s->open();
    QVERIFY(registered.wait());
    QCOMPARE(registered.first().first().toString(), QStringLiteral("alice"));
    QVERIFY(waitRegistered(*s, "#extra"));
    QCOMPARE(s->channels(), (QStringList{"#lobby", "#extra"}));
    QCOMPARE(states.first().first().value<ClientSession::State>(), ClientSession::State::Connecting);
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
    QVERIFY(QTest::qWaitFor([&] {
        QString all;
        for (const ChatMessage &m : inB.messages)
            if (m.text.startsWith(u'x'))
                all += m.text;
        return all == longText;
    }, 5000));
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
    QSignalSpy errors(b.get(), &ClientSession::error);
    b->open();
    QVERIFY(waitRegistered(*b));
    QCOMPARE(b->nick(), QStringLiteral("taken_"));
    QVERIFY(!errors.isEmpty()); // the user is told
}

namespace {
RawClient::Predicate ctcpReplyFrom(const QByteArray &nick)
{
    return [nick](const IrcMessage &m) { return m.command == "NOTICE" && m.sourceNick() == nick && m.param(1).startsWith('\x01'); };
}
} // namespace

void TestClientSession::answersCtcp()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "alice");
    QSignalSpy shown(s.get(), &ClientSession::serverText);
    s->open();
    QVERIFY(waitRegistered(*s));
    auto bob = server.client("bob");
    QVERIFY(bob);
    // Unknown requests get no answer: the next answer is VERSION's.
    bob->send("PRIVMSG alice :\x01" "FROBNICATE\x01");
    bob->send("PRIVMSG alice :\x01" "VERSION\x01");
    auto reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QVERIFY2(reply->params.at(1).startsWith("\x01" "VERSION confab " CONFAB_VERSION " (Qt "), reply->params.at(1).constData());
    bob->send("PRIVMSG alice :\x01" "PING 1234 5\x01");
    reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QCOMPARE(reply->params.at(1), QByteArray("\x01" "PING 1234 5\x01"));
    bob->send("PRIVMSG alice :\x01" "TIME\x01");
    reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QVERIFY2(QDateTime::fromString(QString::fromUtf8(reply->params.at(1).mid(6).chopped(1)), Qt::RFC2822Date).isValid(),
             reply->params.at(1).constData());
    bob->send("PRIVMSG #lobby :\x01" "CLIENTINFO\x01"); // to a channel: answered privately
    reply = bob->waitFor(ctcpReplyFrom("alice"));
    QVERIFY(reply);
    QCOMPARE(reply->params, (QList<QByteArray>{"bob", "\x01" "CLIENTINFO ACTION CLIENTINFO PING TIME VERSION\x01"}));
    // Each request is one status line, never chat.
    const auto said = [&](const QString &text) {
        return std::any_of(shown.begin(), shown.end(), [&](const QList<QVariant> &a) { return a.first().toString() == text; });
    };
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
        flood += "PRIVMSG carol :\x01" "VERSION\x01\r\n";
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
    QSignalSpy shown(s.get(), &ClientSession::serverText);
    s->open();
    QVERIFY(waitRegistered(*s));
    auto bob = server.client("bob");
    QVERIFY(bob);
    s->sendCtcp("bob", "ping");
    const auto request = bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1).startsWith("\x01" "PING "); });
    QVERIFY(request);
    bob->send("NOTICE alice :" + request->params.at(1));
    static const QRegularExpression roundTrip(QStringLiteral("^PING reply from bob: \\d+ ms$"));
    QTRY_VERIFY(std::any_of(shown.begin(), shown.end(),
                            [](const QList<QVariant> &a) { return roundTrip.match(a.first().toString()).hasMatch(); }));
    // Any other reply is shown as it came.
    bob->send("NOTICE alice :\x01" "VERSION mIRC\x01");
    QTRY_VERIFY(std::any_of(shown.begin(), shown.end(), [](const QList<QVariant> &a) {
        return a.first().toString() == u"CTCP VERSION reply from bob: mIRC";
    }));
}

void TestClientSession::memberStatusFollowsTheServer()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "alice", {"#fresh"});
    s->open();
    QVERIFY(waitRegistered(*s, "#fresh"));
    // The channel's creator is its operator, as NAMES says.
    QCOMPARE(s->members("#fresh"), QStringList{"@alice"});
    auto bob = server.client("bob");
    QVERIFY(bob);
    bob->send("JOIN #fresh");
    QTRY_COMPARE(s->members("#fresh"), (QStringList{"@alice", "bob"}));
    s->sendCommandParams("MODE", {"#fresh", "+v", "bob"}, false);
    QTRY_COMPARE(s->members("#fresh"), (QStringList{"@alice", "+bob"}));
    bob->send("NICK aaron");
    QTRY_COMPARE(s->members("#fresh"), (QStringList{"@alice", "+aaron"}));
    s->sendCommandParams("MODE", {"#fresh", "+o-v", "aaron", "aaron"}, false);
    QTRY_COMPARE(s->members("#fresh"), (QStringList{"@aaron", "@alice"}));
    QCOMPARE(s->users("#fresh"), (QStringList{"aaron", "alice"}));
    bob->send("PART #fresh");
    QTRY_COMPARE(s->members("#fresh"), QStringList{"@alice"});
}

void TestClientSession::membershipEvents()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = makeSession(server.port(), "alice");
    a->open();
    QVERIFY(waitRegistered(*a));
    QSignalSpy joined(a.get(), &ClientSession::joined);
    QSignalSpy parted(a.get(), &ClientSession::parted);
    QSignalSpy quits(a.get(), &ClientSession::userQuit);
    QSignalSpy nicks(a.get(), &ClientSession::nickChanged);
    QSignalSpy topics(a.get(), &ClientSession::topicChanged);

    auto b = makeSession(server.port(), "bob");
    b->open();
    QVERIFY(joined.wait());
    QCOMPARE(joined.last().at(1).toString(), QStringLiteral("bob"));
    QTRY_COMPARE(a->users("#lobby"), (QStringList{"alice", "bob"}));

    QVERIFY(waitRegistered(*b));
    b->changeNick("robert");
    QVERIFY(nicks.wait());
    QCOMPARE(nicks.last().at(1).toString(), QStringLiteral("robert"));
    QTRY_COMPARE(a->users("#lobby"), (QStringList{"alice", "robert"}));

    b->setTopic("#lobby", "new topic");
    QVERIFY(topics.wait());
    QCOMPARE(a->topic("#lobby"), QStringLiteral("new topic"));

    b->part("#lobby", "brb");
    QVERIFY(parted.wait());
    QCOMPARE(parted.last().at(2).toString(), QStringLiteral("brb"));
    QTRY_COMPARE(a->users("#lobby"), QStringList{"alice"});
    b->join("#lobby");
    QVERIFY(joined.wait());
    b->quit("bye now");
    QVERIFY(quits.wait());
    QCOMPARE(quits.last().at(0).toString(), QStringLiteral("robert"));
    QCOMPARE(quits.last().at(1).toString(), QStringLiteral("Quit: bye now"));
    QTRY_COMPARE(a->users("#lobby"), QStringList{"alice"});

    QSignalSpy who(a.get(), &ClientSession::whoReply);
    QSignalSpy whoEnd(a.get(), &ClientSession::whoEnd);
    a->who("#lobby");
    QVERIFY(whoEnd.wait());
    QCOMPARE(who.size(), 1);
    QCOMPARE(who.first().at(0).toString(), QStringLiteral("alice"));
}

void TestClientSession::errorsAreReported()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = makeSession(server.port(), "alice");
    a->open();
    QVERIFY(waitRegistered(*a));
    QSignalSpy errors(a.get(), &ClientSession::error);
    a->sendMessage("nobody", "hello?");
    QVERIFY(errors.wait());
    QVERIFY(errors.last().first().toString().contains("nobody"));
    a->sendRaw("FROBNICATE");
    QVERIFY(errors.wait());
    QVERIFY(errors.last().first().toString().contains("Unknown command"));
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
    QSignalSpy textB(b.get(), &ClientSession::serverText);
    QSignalSpy textA(a.get(), &ClientSession::serverText);
    a->sendRaw(QStringLiteral("INVITE bob #den"));
    QVERIFY(QTest::qWaitFor([&] {
        return std::any_of(textB.begin(), textB.end(), [](const QList<QVariant> &args) {
            return args.first().toString() == u"alice invites you to #den (/join #den)";
        });
    }, 5000));
    a->sendRaw(QStringLiteral("MODE #den +t"));
    QVERIFY(QTest::qWaitFor([&] {
        return std::any_of(textA.begin(), textA.end(), [](const QList<QVariant> &args) {
            return args.first().toString() == u"alice sets mode +t on #den";
        });
    }, 5000));
}

void TestClientSession::reconnectsAfterServerRestart()
{
    auto server = std::make_unique<TestServer>();
    QVERIFY(server->start());
    const quint16 port = server->port();
    auto s = makeSession(port, "phoenix", {"#lobby", "#rebirth"});
    QSignalSpy disconnected(s.get(), &ClientSession::disconnected);
    QSignalSpy scheduled(s.get(), &ClientSession::reconnectScheduled);
    QSignalSpy registered(s.get(), &ClientSession::registered);
    s->open();
    QVERIFY(waitRegistered(*s, "#rebirth"));

    server.reset(); // the server goes away (it tells us why first)
    QVERIFY(disconnected.wait());
    QVERIFY(disconnected.first().first().toString().contains("shutting down"));
    QTRY_VERIFY(!scheduled.isEmpty());
    QVERIFY(s->state() == ClientSession::State::WaitingToReconnect
            || s->state() == ClientSession::State::Connecting);
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

    QVERIFY(QTest::qWaitFor([&] { return registered.size() == 2; }, 15000));
    QVERIFY(waitRegistered(*s, "#rebirth"));
    QCOMPARE(s->channels(), (QStringList{"#lobby", "#rebirth"}));
    const auto msg = watcher->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; }, 5000);
    QVERIFY(msg);
    QCOMPARE(msg->params, (QList<QByteArray>{"#rebirth", "sent while down"}));
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
    QSignalSpy scheduled(s.get(), &ClientSession::reconnectScheduled);
    server.reset();
    QVERIFY(scheduled.wait());
    QSignalSpy errors(s.get(), &ClientSession::error);
    s->sendMessage("#lobby", "1");
    s->sendMessage("#lobby", "2");
    QCOMPARE(errors.size(), 0);
    s->sendMessage("#lobby", "3");
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.first().first().toString().contains("not sent"));
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
    QSignalSpy disconnected(s.get(), &ClientSession::disconnected);
    QSignalSpy scheduled(s.get(), &ClientSession::reconnectScheduled);
    s->quit("done here");
    const auto quit = observer->waitFor([](const IrcMessage &m) { return m.command == "QUIT"; });
    QVERIFY(quit);
    QCOMPARE(quit->params.at(0), QByteArray("Quit: done here"));
    QTRY_COMPARE(s->state(), ClientSession::State::Disconnected);
    QVERIFY(observer->sync());
    QCOMPARE(scheduled.size(), 0);
    QSignalSpy errors(s.get(), &ClientSession::error);
    s->sendMessage("#lobby", "too late");
    QCOMPARE(errors.size(), 1);
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
    QSignalSpy errors(s.get(), &ClientSession::error);
    s->sendMessage("#lobby", "hi\r\nQUIT :owned");
    s->sendRaw("PRIVMSG #lobby :a\nQUIT");
    QCOMPARE(errors.size(), 2);
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
        QSignalSpy errors(s.get(), &ClientSession::error);
        QSignalSpy texts(s.get(), &ClientSession::serverText);
        s->open();
        QVERIFY(waitRegistered(*s));
        QCOMPARE(s->account(), QStringLiteral("xena"));
        QVERIFY(s->enabledCaps().contains("sasl"));
        QVERIFY(std::any_of(texts.begin(), texts.end(), [](const QList<QVariant> &a) {
            return a.first().toString() == QStringLiteral("You are now logged in as xena");
        }));
        QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
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
    QSignalSpy errors(s.get(), &ClientSession::error);
    QSignalSpy registered(s.get(), &ClientSession::registered);
    s->open();
    QVERIFY(waitRegistered(*s));
    QVERIFY(s->account().isEmpty());
    const auto loginFailures = [&] {
        return std::count_if(errors.begin(), errors.end(), [](const QList<QVariant> &a) {
            return a.first().toString().startsWith(QStringLiteral("Login as yuri failed"));
        });
    };
    QCOMPARE(loginFailures(), 1);
    // Thrown out and back: the wrong password is not sent again.
    QVERIFY(server.server().terminate(server.idOf("yuri2"), "bye"));
    QVERIFY(QTest::qWaitFor([&] { return registered.size() == 2; }, 15000));
    QVERIFY(waitRegistered(*s));
    QCOMPARE(loginFailures(), 1);
    QVERIFY(s->account().isEmpty());
}

void TestClientSession::registersAnAccount()
{
    TestServer server;
    QVERIFY(server.start());
    auto s = makeSession(server.port(), "zoe");
    QSignalSpy texts(s.get(), &ClientSession::serverText);
    s->open();
    QVERIFY(waitRegistered(*s));
    s->registerAccount(QStringLiteral("zoe-password"));
    QTRY_COMPARE_WITH_TIMEOUT(s->account(), QStringLiteral("zoe"), 20000);
    QVERIFY(std::any_of(texts.begin(), texts.end(), [](const QList<QVariant> &a) {
        return a.first().toString().startsWith(QStringLiteral("Account zoe registered"));
    }));
}

#include "tst_clientsession.moc"
