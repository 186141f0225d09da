// SPDX-License-Identifier: MIT
// The terminal client in plain mode, as a real process, against a real server on port 0.

#include "testcertificate.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {
// A confab process whose output is collected as it comes. Waiting goes through the event loop,
// which also runs the in-process server's listener.
class Client {
public:
    Client(quint16 port, QStringList args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        m_proc.setProcessEnvironment(env);
        m_proc.setProgram(QStringLiteral(CONFAB_CLIENT_BINARY));
        m_proc.setArguments(QStringList {QStringLiteral("127.0.0.1:%1").arg(port)} + args);
        QObject::connect(&m_proc, &QProcess::readyReadStandardOutput,
                         [this] { m_out += m_proc.readAllStandardOutput(); });
        QObject::connect(&m_proc, &QProcess::readyReadStandardError,
                         [this] { m_err += m_proc.readAllStandardError(); });
        m_proc.start();
    }
    ~Client()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.kill();
            m_proc.waitForFinished(2000);
        }
    }
    void type(const QByteArray &line) { m_proc.write(line + '\n'); }
    void closeInput() { m_proc.closeWriteChannel(); }
    bool waitForOutput(const QByteArray &needle, int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return m_out.contains(needle); }, timeoutMs);
    }
    bool waitForExit(int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return m_proc.state() == QProcess::NotRunning; }, timeoutMs);
    }
    int exitCode() const { return m_proc.exitStatus() == QProcess::NormalExit ? m_proc.exitCode() : -1; }
    const QByteArray &out() const { return m_out; }
    const QByteArray &err() const { return m_err; }

private:
    QProcess m_proc;
    QByteArray m_out;
    QByteArray m_err;
};

RawClient::Predicate privmsgTo(const QByteArray &target, const QByteArray &text)
{
    return [=](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(0) == target && m.param(1) == text; };
}

bool waitForJoin(RawClient &observer, const QByteArray &nick)
{
    return observer.waitFor([&](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == nick; })
        .has_value();
}
} // namespace

class TestConsolePlain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void broadcastAndPrivateMessages();
    void receivesAndFormats();
    void whoList();
    void namesShowStatus();
    void queriesReadAsText();
    void channelListVersionAndIgnore();
    void joinSwitchesToAJoinedChannel();
    void reconnectAttemptsAreToldOnce();
    void quitAliases_data();
    void quitAliases();
    void jsonOutput();
    void sendOption();
    void eofWaitsForReplies();
    void hostileTextIsSanitised();
    void exitCodes();
    void severalSessions();
    void serverPassword();
    void quitBeforeWelcome();
    void tlsWithPinnedFingerprint();
    void channelOperatorCommands();
    void accountLogin();
    void commandsAreTypedMessages();
};

void TestConsolePlain::broadcastAndPrivateMessages()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice"});
    alice.type("Hello, World!");
    alice.type("@bob psst (seed 001)");
    alice.type("!msg bob psst (seed 003)");
    alice.type("/msg bob psst (slash)");
    QVERIFY(bob->waitFor(privmsgTo("#lobby", "Hello, World!")));
    QVERIFY(bob->waitFor(privmsgTo("bob", "psst (seed 001)")));
    QVERIFY(bob->waitFor(privmsgTo("bob", "psst (seed 003)")));
    QVERIFY(bob->waitFor(privmsgTo("bob", "psst (slash)")));
    QVERIFY(alice.waitForOutput("<alice> Hello, World!"));
    QVERIFY(alice.waitForOutput("-> bob: psst (seed 001)"));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
    QCOMPARE(alice.exitCode(), 0);
}

void TestConsolePlain::receivesAndFormats()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice"});
    QVERIFY(waitForJoin(*bob, "alice"));
    bob->send("PRIVMSG #lobby :hi alice");
    bob->send("PRIVMSG alice :a secret");
    bob->send("PRIVMSG #lobby :\x01"
              "ACTION waves\x01");
    bob->send("PRIVMSG alice :\x01"
              "ACTION winks\x01");
    bob->send("NICK robert");
    QVERIFY(alice.waitForOutput("] <bob> hi alice"));
    QVERIFY(alice.waitForOutput("] <- bob: a secret"));
    QVERIFY(alice.waitForOutput("] * bob waves"));
    QVERIFY(alice.waitForOutput("] <- bob: * bob winks")); // private, and said so
    QVERIFY(alice.waitForOutput("--- bob is now known as robert"));
    bob->send("QUIT :off");
    QVERIFY(alice.waitForOutput("<-- robert quit (Quit: off)"));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
    QCOMPARE(alice.exitCode(), 0);
}

void TestConsolePlain::whoList()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice"});
    alice.type("!who");
    QVERIFY(alice.waitForOutput("--- bob (~bob@127.0.0.1)"));
    QVERIFY(alice.waitForOutput("--- alice (~alice@127.0.0.1)"));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
}

void TestConsolePlain::namesShowStatus()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob"); // first in #lobby: its operator
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice"});
    alice.type("/names #lobby");
    QVERIFY(alice.waitForOutput("#lobby (2 users): @bob alice"));
    bob->send("MODE #lobby +v alice");
    QVERIFY(alice.waitForOutput("bob sets mode +v alice on #lobby"));
    alice.type("/names"); // the current channel, as the client knows it now
    QVERIFY(alice.waitForOutput("#lobby (2 users): @bob +alice"));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
}

void TestConsolePlain::queriesReadAsText()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice"});
    QVERIFY(alice.waitForOutput("alice joined #lobby"));
    alice.type("/topic");
    QVERIFY(alice.waitForOutput("#lobby has no topic"));
    alice.type("/mode");
    QVERIFY(alice.waitForOutput("#lobby modes: +n"));
    QVERIFY(alice.waitForOutput("#lobby was made "));
    alice.type("/whois bob");
    QVERIFY(alice.waitForOutput("bob is ~bob@127.0.0.1 (Test user bob)"));
    QVERIFY(alice.waitForOutput("bob is on server test.confab"));
    // Idle time and signon as a reader says them, not as seconds.
    QVERIFY(alice.waitForOutput("bob has been idle "));
    const QByteArray idle = alice.out().mid(alice.out().indexOf("bob has been idle ")).split('\n').first();
    QVERIFY2(QRegularExpression(
                 QStringLiteral("idle \\d+ (s|min \\d+ s), and connected \\w{3} \\d+ \\w{3} \\d{4} \\d\\d:\\d\\d$"))
                 .match(QString::fromUtf8(idle))
                 .hasMatch(),
             idle.constData());
    alice.closeInput();
    QVERIFY(alice.waitForExit());
}

void TestConsolePlain::channelListVersionAndIgnore()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    bob->send("JOIN #rust");
    bob->send("TOPIC #rust :crabs and borrows");
    bob->send("JOIN #cooking");
    QVERIFY(bob->sync());
    Client alice(server.port(), {"--nick", "alice"});
    QVERIFY(alice.waitForOutput("alice joined #lobby"));
    // The IRC channel list, filtered by name or topic.
    alice.type("/list borrow");
    QVERIFY(alice.waitForOutput("End of /list"));
    QVERIFY(alice.out().contains("#rust"));
    QVERIFY(alice.out().contains("crabs and borrows"));
    QVERIFY(!alice.out().contains("#cooking"));
    alice.type("/list");
    QVERIFY(alice.waitForOutput("#cooking"));
    // The server's version, and a client's.
    alice.type("/version");
    QVERIFY(alice.waitForOutput("confab-" CONFAB_VERSION));
    // Ignored: bob's messages are not shown, by nick or by pattern, until unignored.
    alice.type("/ignore b?b");
    QVERIFY(alice.waitForOutput("Ignoring b?b"));
    bob->send("PRIVMSG #lobby :you cannot see this");
    bob->send("PRIVMSG alice :nor this");
    bob->send("TOPIC #lobby :after them"); // arrives after them, and is not a message
    QVERIFY(alice.waitForOutput("after them"));
    alice.type("/unignore b?b");
    QVERIFY(alice.waitForOutput("No longer ignoring b?b"));
    bob->send("PRIVMSG #lobby :now you can");
    QVERIFY(alice.waitForOutput("<bob> now you can"));
    QVERIFY(!alice.out().contains("you cannot see this"));
    QVERIFY(!alice.out().contains("nor this"));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
}

void TestConsolePlain::joinSwitchesToAJoinedChannel()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice"});
    alice.type("/join #second");
    QVERIFY(alice.waitForOutput("alice joined #second"));
    alice.type("in second");
    alice.type("/join #LOBBY"); // joined already (the autojoin): go there, ask nothing
    QVERIFY(alice.waitForOutput("Talking in #lobby"));
    alice.type("in lobby");
    const auto said
        = bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.sourceNick() == "alice"; });
    QVERIFY(said);
    QCOMPARE(said->params, (QList<QByteArray> {"#lobby", "in lobby"}));
    QCOMPARE(bob->count([](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == "alice"; }), 1);
    alice.closeInput();
    QVERIFY(alice.waitForExit());
}

void TestConsolePlain::reconnectAttemptsAreToldOnce()
{
    auto server = std::make_unique<TestServer>();
    QVERIFY(server->start());
    const quint16 port = server->port();
    Client alice(port, {"--nick", "alice"});
    QVERIFY(alice.waitForOutput("alice joined #lobby"));
    server.reset();
    QVERIFY(alice.waitForOutput("Reconnecting in"));
    // A listener that hangs up on each attempt, so that they can be counted; then the server.
    QTcpServer hangUp;
    QVERIFY(hangUp.listen(QHostAddress::LocalHost, port));
    int attempts = 0;
    QObject::connect(&hangUp, &QTcpServer::newConnection, [&] {
        while (QTcpSocket *s = hangUp.nextPendingConnection()) {
            ++attempts;
            s->close();
            s->deleteLater();
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(attempts >= 2, 15000);
    hangUp.close();
    ServerConfig config = TestServer::defaultConfig();
    config.listen = {{QHostAddress(QHostAddress::LocalHost), port}};
    TestServer again(config);
    QVERIFY(again.start());
    QVERIFY2(alice.waitForOutput("attempts)", 20000), alice.out().constData());
    const QByteArray out = alice.out();
    QCOMPARE(out.count("Reconnecting in"), 1);
    QCOMPARE(out.count("Disconnected:"), 1);
    // The hung-up attempts, the one that got through, and any that found nothing listening.
    const QRegularExpressionMatch told
        = QRegularExpression(QStringLiteral("Connected to test.confab as alice \\(after (\\d+) attempts\\)"))
              .match(QString::fromUtf8(out));
    QVERIFY2(told.hasMatch(), out.constData());
    QVERIFY(told.captured(1).toInt() >= attempts + 1);
    alice.closeInput();
    QVERIFY(alice.waitForExit());
}

void TestConsolePlain::quitAliases_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("reason");
    QTest::newRow("/quit reason") << QByteArray("/quit gone fishing") << QByteArray("Quit: gone fishing");
    QTest::newRow("/quit") << QByteArray("/quit") << QByteArray("Quit: Leaving");
    QTest::newRow("/exit") << QByteArray("/exit") << QByteArray("Quit: Leaving");
    QTest::newRow("\\q") << QByteArray("\\q") << QByteArray("Quit: Leaving");
    QTest::newRow("QUIT") << QByteArray("QUIT") << QByteArray("Quit: Leaving");
    QTest::newRow("!logout") << QByteArray("!logout") << QByteArray("Quit: Leaving");
}

void TestConsolePlain::quitAliases()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, reason);
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice"});
    QVERIFY(waitForJoin(*bob, "alice"));
    alice.type(line); // stdin stays open: the quit command alone must end the client
    const auto quit = bob->waitForCommand("QUIT");
    QVERIFY(quit);
    QCOMPARE(quit->sourceNick(), QByteArray("alice"));
    QCOMPARE(quit->params.at(0), reason);
    QVERIFY(alice.waitForExit());
    QCOMPARE(alice.exitCode(), 0);
}

void TestConsolePlain::jsonOutput()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client alice(server.port(), {"--nick", "alice", "--format", "json"});
    QVERIFY(waitForJoin(*bob, "alice"));
    bob->send("PRIVMSG #lobby :json \"quoted\" text");
    QVERIFY(alice.waitForOutput("quoted"));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
    QCOMPARE(alice.exitCode(), 0);
    bool sawMessage = false, sawJoin = false;
    for (const QByteArray &line : alice.out().split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        const QJsonObject o = doc.object();
        QVERIFY(o.contains("type") && o.contains("time"));
        if (o.value("type") == "message") {
            QCOMPARE(o.value("from").toString(), QStringLiteral("bob"));
            QCOMPARE(o.value("target").toString(), QStringLiteral("#lobby"));
            QCOMPARE(o.value("text").toString(), QStringLiteral("json \"quoted\" text"));
            QCOMPARE(o.value("private").toBool(), false);
            sawMessage = true;
        }
        if (o.value("type") == "join" && o.value("nick") == "alice")
            sawJoin = true;
    }
    QVERIFY(sawMessage && sawJoin);
}

void TestConsolePlain::sendOption()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    Client once(server.port(), {"--nick", "oneshot", "--send", "fire and forget"});
    QVERIFY(bob->waitFor(privmsgTo("#lobby", "fire and forget")));
    QVERIFY(once.waitForExit());
    QCOMPARE(once.exitCode(), 0);
    // --send takes commands too.
    Client pm(server.port(), {"--nick", "oneshot2", "--send", "@bob just you", "--channel", "#other"});
    QVERIFY(bob->waitFor(privmsgTo("bob", "just you")));
    QVERIFY(pm.waitForExit());
    QCOMPARE(pm.exitCode(), 0);
}

void TestConsolePlain::eofWaitsForReplies()
{
    TestServer server;
    QVERIFY(server.start());
    auto bob = server.client("bob");
    QVERIFY(bob);
    // All of stdin arrives (and ends) before the client has even registered; the replies to it
    // must still be printed before the client exits.
    Client alice(server.port(), {"--nick", "alice", "--quiet"});
    alice.type("/whois bob");
    alice.type("/msg nobody hello");
    alice.closeInput();
    QVERIFY(alice.waitForExit());
    QCOMPARE(alice.exitCode(), 0);
    QVERIFY2(alice.out().contains("bob is ~bob@127.0.0.1"), alice.out().constData());
    QVERIFY2(alice.err().contains("nobody"), alice.err().constData());
}

void TestConsolePlain::hostileTextIsSanitised()
{
    TestServer server;
    QVERIFY(server.start());
    auto mallory = server.client("mallory");
    QVERIFY(mallory);
    Client text(server.port(), {"--nick", "alice"});
    Client json(server.port(), {"--nick", "carol", "--format", "json"});
    // Either may join first: count instead of consuming in order.
    QVERIFY(QTest::qWaitFor([&] { return mallory->count(RawClient::command("JOIN")) == 3; }, 10000));
    const QByteArray evil = "\x1b[2J\x1b[H\x1b]0;pwned\x07 bell\x07 del\x7f c1:\xc2\x9b"
                            "31m \x1bP+q\x1b\\ end";
    mallory->send("PRIVMSG #lobby :" + evil);
    mallory->send("TOPIC #lobby :\x1b[5mblink");
    QVERIFY(text.waitForOutput(" end"));
    QVERIFY(text.waitForOutput("blink"));
    QVERIFY(json.waitForOutput(" end"));
    text.closeInput();
    json.closeInput();
    QVERIFY(text.waitForExit() && json.waitForExit());
    for (const QByteArray *out : {&text.out(), &json.out()}) {
        QVERIFY(!out->contains('\x1b'));
        QVERIFY(!out->contains('\x07'));
        QVERIFY(!out->contains('\x7f'));
        QVERIFY(!out->contains("\xc2\x9b"));
    }
    QVERIFY(text.out().contains("^[[2J^[[H^[]0;pwned^G bell^G del^? c1:<9b>31m"));
    QVERIFY(text.out().contains("^[[5mblink"));
    // JSON keeps the exact text, escaped.
    QVERIFY(json.out().contains("\\u001b[2J"));
    QVERIFY(json.out().contains("\\u009b"));
}

void TestConsolePlain::exitCodes()
{
    // No server: a clear message and exit 1.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 deadPort = probe.serverPort();
    probe.close();
    Client nobody(deadPort, {"--nick", "x", "--send", "hi"});
    QVERIFY(nobody.waitForExit());
    QCOMPARE(nobody.exitCode(), 1);
    QVERIFY(nobody.err().contains("cannot connect"));
    // Nodes of one network: the dead address is passed over for the next one.
    TestServer node;
    QVERIFY(node.start());
    QProcess hop;
    hop.start(QStringLiteral(CONFAB_CLIENT_BINARY),
              {QStringLiteral("127.0.0.1:%1,127.0.0.1:%2").arg(deadPort).arg(node.port()), "--nick", "hopper", "--send",
               "hi"});
    QVERIFY(QTest::qWaitFor([&] { return hop.state() == QProcess::NotRunning; }, 10000)); // the server is ours
    QVERIFY2(hop.exitCode() == 0, hop.readAllStandardError().constData());

    for (const QStringList &bad : {QStringList {"--format", "xml"}, QStringList {"--bogus"},
                                   QStringList {"a:b:c:d", "x"}, QStringList {"127.0.0.1:1,host:port"},
                                   QStringList {"--scrollback", "5"}, QStringList {"--scrollback", "many"}}) {
        QProcess p;
        p.start(QStringLiteral(CONFAB_CLIENT_BINARY), bad);
        QVERIFY(p.waitForFinished(5000));
        QVERIFY2(p.exitCode() == 2, qPrintable(bad.join(' '))); // a usage error, not "no server"
        QVERIFY(!p.readAllStandardError().isEmpty());
    }
    QProcess help;
    help.start(QStringLiteral(CONFAB_CLIENT_BINARY), {"--help"});
    QVERIFY(help.waitForFinished(5000));
    QCOMPARE(help.exitCode(), 0);
    const QByteArray text = help.readAllStandardOutput();
    for (const char *opt : {"--nick", "--channel", "--password", "--send", "--format"})
        QVERIFY2(text.contains(opt), opt);
    QProcess version;
    version.start(QStringLiteral(CONFAB_CLIENT_BINARY), {"--version"});
    QVERIFY(version.waitForFinished(5000));
    QVERIFY(version.readAllStandardOutput().contains(CONFAB_VERSION));
}

void TestConsolePlain::severalSessions()
{
    // Seed 002's peer commands, made for sessions: /connect, /sessions (its "list"), /send,
    // /terminate, /myip, /myport.
    TestServer first, second;
    QVERIFY(first.start() && second.start());
    auto bob = first.client("bob");
    auto dave = second.client("dave");
    QVERIFY(bob && dave);
    Client alice(first.port(), {"--nick", "alice"});
    QVERIFY(waitForJoin(*bob, "alice"));
    alice.type(QByteArray("/connect 127.0.0.1 ") + QByteArray::number(second.port()));
    QVERIFY(waitForJoin(*dave, "alice"));
    alice.type("/sessions");
    QVERIFY(alice.waitForOutput(QByteArray("*2  127.0.0.1        ") + QByteArray::number(second.port())));
    QVERIFY(alice.waitForOutput(QByteArray(" 1  127.0.0.1        ") + QByteArray::number(first.port())));
    alice.type("to the active one");
    QVERIFY(dave->waitFor(privmsgTo("#lobby", "to the active one")));
    alice.type("/send 1 through session one");
    QVERIFY(bob->waitFor(privmsgTo("#lobby", "through session one")));
    alice.type("/myip");
    QVERIFY(alice.waitForOutput("Your address: 127.0.0.1"));
    alice.type("/myport");
    QVERIFY(alice.waitForOutput("Your port: "));
    alice.type("/send 9 nowhere");
    QVERIFY(QTest::qWaitFor([&] { return alice.err().contains("No session 9"); }, 5000));
    alice.type("/terminate 2");
    const auto quit = dave->waitForCommand("QUIT");
    QVERIFY(quit && quit->sourceNick() == "alice");
    alice.type("back to one");
    QVERIFY(bob->waitFor(privmsgTo("#lobby", "back to one")));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
    QCOMPARE(alice.exitCode(), 0);
    QVERIFY(bob->waitForCommand("QUIT"));
}

void TestConsolePlain::serverPassword()
{
    ServerConfig config = TestServer::defaultConfig();
    config.password = "letmein";
    TestServer server(config);
    QVERIFY(server.start());
    Client wrong(server.port(), {"--nick", "w", "--password", "nope", "--send", "hi"});
    QVERIFY(wrong.waitForExit());
    QVERIFY(wrong.exitCode() != 0);
    QVERIFY(wrong.err().contains("Password incorrect"));
    auto observer = std::make_unique<RawClient>();
    QVERIFY(observer->connectTo(server.address(), server.port()));
    observer->send("PASS letmein");
    QVERIFY(observer->registerAs("observer"));
    Client right(server.port(), {"--nick", "r", "--password", "letmein", "--send", "let in"});
    QVERIFY(observer->waitFor(privmsgTo("#lobby", "let in")));
    QVERIFY(right.waitForExit());
    QCOMPARE(right.exitCode(), 0);
}

void TestConsolePlain::quitBeforeWelcome()
{
    // Whatever stage the connection has reached when /quit is read, leaving is not an error.
    TestServer server;
    QVERIFY(server.start());
    for (int i = 0; i < 5; ++i) {
        Client hasty(server.port(), {"--nick", "hasty" + QString::number(i)});
        hasty.type("/quit");
        QVERIFY(hasty.waitForExit());
        QCOMPARE(hasty.exitCode(), 0);
        QVERIFY2(!hasty.err().contains("cannot connect"), hasty.err().constData());
    }
}

// --tls with a self-signed certificate: refused with the reason and the fingerprint (exit 1), then
// accepted when that fingerprint is pinned.
void TestConsolePlain::tlsWithPinnedFingerprint()
{
    TestCertificate cert;
    QVERIFY(cert.make());
    TestServer server(TestServer::tlsConfig(cert));
    QVERIFY(server.start());
    const QString fingerprint
        = QString::fromLatin1(cert.certificate().digest(QCryptographicHash::Sha256).toHex(':')).toUpper();

    Client refused(server.tlsPort(), {"--tls", "--nick", "careful", "--send", "hi"});
    QVERIFY(refused.waitForExit());
    QCOMPARE(refused.exitCode(), 1);
    QVERIFY2(refused.err().contains("not trusted"), refused.err().constData());
    QVERIFY2(refused.err().contains(fingerprint.toLatin1()), refused.err().constData());

    RawClient observer;
    QVERIFY(observer.connectToTls(server.address(), server.tlsPort(), cert.certificate()));
    QVERIFY(observer.registerAs("observer"));
    Client pinned(server.tlsPort(), {"--tls-fingerprint", fingerprint, "--nick", "pinned", "--send", "secret hello"});
    QVERIFY(observer.waitFor(privmsgTo("#lobby", "secret hello")));
    QVERIFY(pinned.waitForExit());
    QCOMPARE(pinned.exitCode(), 0);

    Client bad(server.tlsPort(), {"--tls-fingerprint", "not-hex", "--nick", "x", "--send", "hi"});
    QVERIFY(bad.waitForExit());
    QCOMPARE(bad.exitCode(), 2);
}

void TestConsolePlain::channelOperatorCommands()
{
    TestServer server;
    QVERIFY(server.start());
    Client alice(server.port(), {"--nick", "alice", "--channel", "#ops"}); // creates it: operator
    QVERIFY(alice.waitForOutput("alice joined #ops"));
    auto bob = server.client("bob");
    QVERIFY(bob);
    bob->send("JOIN #ops");
    QVERIFY(alice.waitForOutput("bob joined #ops"));
    alice.type("/mode +m");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "MODE" && m.param(1) == "+m"; }));
    QVERIFY(alice.waitForOutput("alice sets mode +m on #ops"));
    alice.type("/kick bob be nice");
    const auto kick = bob->waitFor([](const IrcMessage &m) { return m.command == "KICK"; });
    QVERIFY(kick);
    QCOMPARE(kick->params, (QList<QByteArray> {"#ops", "bob", "be nice"}));
    alice.type("/invite bob");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "INVITE" && m.param(1) == "#ops"; }));
    alice.closeInput();
    QVERIFY(alice.waitForExit());
}

void TestConsolePlain::commandsAreTypedMessages()
{
    // A password with a space is one parameter, and a mode's arguments stay separate.
    ServerConfig config = TestServer::defaultConfig();
    config.opers = {{"root", "pass word"}};
    TestServer server(config);
    QVERIFY(server.start());
    Client op(server.port(), {"--nick", "typed", "--channel", "#typed"});
    QVERIFY(op.waitForOutput("typed joined #typed"));
    auto peer = server.client("peer");
    peer->send("JOIN #typed");
    QVERIFY(op.waitForOutput("peer joined #typed"));
    op.type("/oper root pass word");
    QVERIFY2(op.waitForOutput("You are now an IRC operator"), op.err().constData());
    op.type("/mode +kl secret 5");
    auto mode = peer->waitFor([](const IrcMessage &m) { return m.command == "MODE"; });
    QVERIFY(mode);
    QCOMPARE(mode->params, (QList<QByteArray> {"#typed", "+kl", "secret", "5"}));
    op.closeInput();
    QVERIFY(op.waitForExit());
}

void TestConsolePlain::accountLogin()
{
    TestServer server;
    QVERIFY(server.start());
    auto owner = server.accountOwner("amy", "amy-password", "amy_away");
    QVERIFY(owner);

    // The password from a file: logged in, as WHOIS shows.
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("password"));
    {
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("amy-password\n");
    }
    Client fromFile(server.port(), {"--nick", "amy", "--account", "amy", "--password-file", file});
    QVERIFY2(fromFile.waitForOutput("You are now logged in as amy"), fromFile.err().constData());
    // The login comes before the welcome: WHOIS once the client is in its channel.
    QVERIFY(fromFile.waitForOutput("amy joined #lobby"));
    owner->send("WHOIS amy");
    auto whois = owner->waitFor([](const IrcMessage &m) { return m.command == "330"; });
    QVERIFY(whois);
    QCOMPARE(whois->param(2), QByteArray("amy"));
    fromFile.closeInput();
    QVERIFY(fromFile.waitForExit());

    // From the environment, with PLAIN.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CONFAB_PASSWORD"), QStringLiteral("amy-password"));
    Client fromEnv(server.port(), {"--nick", "amy2", "--account", "amy", "--sasl-mechanism", "plain"}, env);
    QVERIFY2(fromEnv.waitForOutput("You are now logged in as amy"), fromEnv.err().constData());
    fromEnv.closeInput();
    QVERIFY(fromEnv.waitForExit());

    // A wrong one: said once, and the session goes on.
    env.insert(QStringLiteral("CONFAB_PASSWORD"), QStringLiteral("not-her-password"));
    Client wrong(server.port(), {"--nick", "amy3", "--account", "amy"}, env);
    QVERIFY(QTest::qWaitFor([&] { return wrong.err().contains("Login as amy failed"); }, 20000));
    wrong.type("still here");
    QVERIFY(
        owner->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == "still here"; }));
    wrong.closeInput();
    QVERIFY(wrong.waitForExit());
    QCOMPARE(wrong.err().count("Login as amy failed"), 1);

    // No password anywhere, and no terminal to ask on: a usage error.
    env.remove(QStringLiteral("CONFAB_PASSWORD"));
    Client none(server.port(), {"--nick", "amy4", "--account", "amy"}, env);
    QVERIFY(none.waitForExit());
    QCOMPARE(none.exitCode(), 2);
    QVERIFY(none.err().contains("--account needs a password"));
}

QTEST_GUILESS_MAIN(TestConsolePlain)
#include "tst_consoleplain.moc"
