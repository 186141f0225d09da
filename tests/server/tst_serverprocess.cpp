// SPDX-License-Identifier: MIT
// confab-server as a real process: command line, start-up errors, signals and exit codes.

#include "rawclient.h"
#include "serverprocess.h"
#include "testcertificate.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <csignal>
#include <unistd.h>

namespace {
const QString Binary = QStringLiteral(CONFAB_SERVER_BINARY);

// Starts the server and reads the port it printed; the process is owned by the caller.
bool startServer(QProcess &proc, const QStringList &args, QHostAddress *host, quint16 *port)
{
    return ServerProcess::start(proc, Binary, args, host, port);
}
} // namespace

class TestServerProcess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void helpAndVersion();
    void badArguments_data();
    void badArguments();
    void portInUseIsAClearError();
    void loopbackHintNamesThePort();
    void motdFileAndName();
    void sigtermShutsDownCleanly_data();
    void sigtermShutsDownCleanly();
    void configFileAndCommandLinePrecedence();
    void emptyConfigReadsNone();
    void configFileErrors_data();
    void configFileErrors();
    void logsConnectionsButNotMessages();
    void consoleOnStandardInput();
    void tlsListenerAndSighupReload();
    void tlsStartupErrors();
    void hashedOperPassword();
    void descriptorLimitTurnsAwayWithoutSpinning_data();
    void descriptorLimitTurnsAwayWithoutSpinning();
};

void TestServerProcess::helpAndVersion()
{
    QProcess help;
    help.start(Binary, {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(5000));
    QCOMPARE(help.exitCode(), 0);
    const QByteArray text = help.readAllStandardOutput();
    for (const char *opt : {"--listen", "--name", "--motd", "--autojoin", "--password", "--max-clients", "--threads"})
        QVERIFY2(text.contains(opt), opt);

    QProcess version;
    version.start(Binary, {QStringLiteral("--version")});
    QVERIFY(version.waitForFinished(5000));
    QCOMPARE(version.exitCode(), 0);
    QVERIFY(version.readAllStandardOutput().contains(CONFAB_VERSION));
}

void TestServerProcess::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("complaint");
    QTest::newRow("listen not an address") << QStringList {"--listen", "example.org:6667"} << QByteArray("--listen");
    QTest::newRow("listen bad port") << QStringList {"--listen", "127.0.0.1:99999"} << QByteArray("port");
    QTest::newRow("autojoin not a channel") << QStringList {"--autojoin", "lobby"} << QByteArray("--autojoin");
    QTest::newRow("max-clients not a number") << QStringList {"--max-clients", "lots"} << QByteArray("--max-clients");
    QTest::newRow("missing motd") << QStringList {"--motd", "/nonexistent/motd.txt"} << QByteArray("--motd");
    QTest::newRow("stray argument") << QStringList {"extra"} << QByteArray("unexpected");
    QTest::newRow("unknown option") << QStringList {"--frobnicate"} << QByteArray("frobnicate");
    QTest::newRow("flood rate negative") << QStringList {"--flood-rate", "-1"} << QByteArray("--flood-rate");
    QTest::newRow("exempt not a network") << QStringList {"--exempt", "localhost"} << QByteArray("--exempt");
    QTest::newRow("nick-len too long") << QStringList {"--nick-len", "100"} << QByteArray("--nick-len");
    QTest::newRow("log level") << QStringList {"--log-level", "chatty"} << QByteArray("--log-level");
    QTest::newRow("missing config") << QStringList {"--config", "/nonexistent/confab.conf"} << QByteArray("--config");
    QTest::newRow("postgresql without a database")
        << QStringList {"--database", "postgresql://confab:secret@db.example"} << QByteArray("needs a database");
    QTest::newRow("password file without postgresql")
        << QStringList {"--database", ":memory:", "--database-password-file", "/etc/hostname"}
        << QByteArray("--database-password-file is for a postgresql://");
    QTest::newRow("missing password file") << QStringList {"--database", "postgresql://confab@db.example/confab",
                                                           "--database-password-file", "/nonexistent/password"}
                                           << QByteArray("cannot read /nonexistent/password");
}

void TestServerProcess::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, complaint);
    QProcess proc;
    proc.start(Binary, args);
    QVERIFY(proc.waitForFinished(5000));
    QVERIFY(proc.exitCode() != 0);
    QVERIFY2(proc.readAllStandardError().contains(complaint), complaint.constData());
}

void TestServerProcess::portInUseIsAClearError()
{
    QProcess first;
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(startServer(first, {"--listen", "127.0.0.1:0"}, &host, &port));
    QProcess second;
    second.start(Binary, {"--listen", QStringLiteral("127.0.0.1:%1").arg(port)});
    QVERIFY(second.waitForFinished(5000));
    QCOMPARE(second.exitCode(), 1);
    QVERIFY(second.readAllStandardError().contains("cannot listen"));
    first.terminate();
    QTRY_COMPARE(first.state(), QProcess::NotRunning);
}

void TestServerProcess::loopbackHintNamesThePort()
{
    // Listening on loopback only, it says how to accept remote clients: on the port it listens on.
    QProcess proc;
    proc.start(Binary, {"--listen", "127.0.0.1:0", "--database", ":memory:"});
    QVERIFY(proc.waitForStarted(5000));
    QByteArray out;
    const QRegularExpression listening(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
    QVERIFY(QTest::qWaitFor(
        [&] {
            out += proc.readAllStandardOutput();
            return out.contains("remote clients");
        },
        10000));
    const QRegularExpressionMatch m = listening.match(QString::fromUtf8(out));
    QVERIFY2(m.hasMatch(), out.constData());
    const QByteArray port = m.captured(1).toUtf8();
    QVERIFY2(port != "0" && port != "6667", out.constData());
    QVERIFY2(out.contains("use --listen 0.0.0.0:" + port + " (or [::]:" + port + ")"), out.constData());
    proc.terminate();
    QTRY_COMPARE(proc.state(), QProcess::NotRunning);
}

void TestServerProcess::motdFileAndName()
{
    QTemporaryFile motd;
    QVERIFY(motd.open());
    motd.write("Line one\nLine two\n");
    motd.close();
    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(startServer(proc, {"--listen", "127.0.0.1:0", "--motd", motd.fileName(), "--name", "chat.example"}, &host,
                        &port));
    RawClient c;
    QVERIFY(c.connectTo(host, port));
    QVERIFY(c.registerAs("reader"));
    const QList<IrcMessage> lines = c.all(RawClient::command("372"));
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).params.last(), QByteArray("- Line one"));
    QCOMPARE(lines.at(0).source, QByteArray("chat.example"));
    proc.terminate();
    QTRY_COMPARE(proc.state(), QProcess::NotRunning);
}

void TestServerProcess::sigtermShutsDownCleanly_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("listen");
    QTest::newRow("SIGTERM") << int(SIGTERM) << QStringLiteral("127.0.0.1:0");
    QTest::newRow("SIGINT, IPv6") << int(SIGINT) << QStringLiteral("[::1]:0");
}

void TestServerProcess::sigtermShutsDownCleanly()
{
    QFETCH(int, signal);
    QFETCH(QString, listen);
    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    if (!startServer(proc, {"--listen", listen}, &host, &port)) {
        proc.kill();
        proc.waitForFinished();
        if (listen.startsWith(u'['))
            QSKIP("no IPv6 loopback on this machine");
        QFAIL("server did not start");
    }
    RawClient a, b;
    QVERIFY(a.connectTo(host, port) && b.connectTo(host, port));
    QVERIFY(a.registerAs("a"));
    QVERIFY(b.registerAs("b"));
    a.send("PRIVMSG #lobby :before the end");
    QVERIFY(b.waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; }));

    ::kill(pid_t(proc.processId()), signal);
    for (RawClient *c : {&a, &b}) {
        const auto error = c->waitForCommand("ERROR");
        QVERIFY(error);
        QVERIFY(error->params.at(0).contains("shutting down"));
        QVERIFY(c->waitForDisconnected());
    }
    // The event loop above may already have reaped it, so wait on the state, not the signal.
    QTRY_COMPARE_WITH_TIMEOUT(proc.state(), QProcess::NotRunning, 10000);
    QByteArray why;
    QVERIFY2(ServerProcess::exitedCleanly(proc, &why), why.constData());
}

void TestServerProcess::configFileAndCommandLinePrecedence()
{
    QTemporaryFile conf;
    QVERIFY(conf.open());
    conf.write("# comments are fine\n"
               "listen = 127.0.0.1:0\n"
               "name = from.file\n"
               "network = FileNet\n"
               "autojoin = \"#filechan\"\n"
               "nick-len = 12\n");
    conf.close();
    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    // The command line wins over the file: the name comes from here, the rest from the file.
    QVERIFY(startServer(proc, {"--config", conf.fileName(), "--name", "from.cli"}, &host, &port));
    RawClient c;
    QVERIFY(c.connectTo(host, port));
    QVERIFY(c.registerAs("reader", "#filechan"));
    const IrcMessage welcome = c.all(RawClient::command("001")).constFirst();
    QCOMPARE(welcome.source, QByteArray("from.cli"));
    QVERIFY(welcome.params.last().contains("FileNet"));
    const QList<QByteArray> isupport = c.isupport();
    QVERIFY(isupport.contains("NICKLEN=12"));
    proc.terminate();
    QTRY_COMPARE(proc.state(), QProcess::NotRunning);
}

void TestServerProcess::emptyConfigReadsNone()
{
    // --config '' is how to run without the installed configuration (read by default when present).
    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(startServer(proc, {"--config", "", "--listen", "127.0.0.1:0"}, &host, &port));
    RawClient c;
    QVERIFY(c.connectTo(host, port));
    QVERIFY(c.registerAs("plain"));
    QCOMPARE(c.all(RawClient::command("001")).constFirst().source, QByteArray("confab.local"));
    proc.terminate();
    QTRY_COMPARE(proc.state(), QProcess::NotRunning);
}

void TestServerProcess::configFileErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("complaint");
    QTest::newRow("unknown key") << QByteArray("listen = 127.0.0.1:0\nmax-clinets = 5\n")
                                 << QByteArray("unknown key 'max-clinets'");
    QTest::newRow("bad value") << QByteArray("threads = many\n") << QByteArray("'threads' in");
}

void TestServerProcess::configFileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, complaint);
    QTemporaryFile conf;
    QVERIFY(conf.open());
    conf.write(content);
    conf.close();
    QProcess proc;
    proc.start(Binary, {"--config", conf.fileName()});
    QVERIFY(proc.waitForFinished(5000));
    QCOMPARE(proc.exitCode(), 2);
    const QByteArray err = proc.readAllStandardError();
    QVERIFY2(err.contains(complaint), err.constData());
}

void TestServerProcess::logsConnectionsButNotMessages()
{
    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(startServer(proc, {"--listen", "127.0.0.1:0", "--log-level", "info"}, &host, &port));
    {
        RawClient a, b;
        QVERIFY(a.connectTo(host, port) && b.connectTo(host, port));
        QVERIFY(a.registerAs("alice"));
        QVERIFY(b.registerAs("bob"));
        a.send("PRIVMSG #lobby :a very private remark");
        QVERIFY(b.waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; }));
        a.send("QUIT :my secret reason");
        QVERIFY(a.waitForDisconnected());
    }
    QByteArray err;
    QVERIFY(QTest::qWaitFor(
        [&] {
            err += proc.readAllStandardError();
            return err.count("disconnect #") >= 2;
        },
        10000));
    QVERIFY2(err.contains("connect #1 from 127.0.0.1"), err.constData());
    QVERIFY2(err.contains("registered #1 as alice!"), err.constData());
    QVERIFY2(err.contains(" info "), err.constData());
    QVERIFY2(
        QRegularExpression(QStringLiteral("disconnect #1 alice \\(Quit\\)")).match(QString::fromUtf8(err)).hasMatch(),
        err.constData());
    QVERIFY(!err.contains("private remark"));
    QVERIFY(!err.contains("secret reason"));
    proc.terminate();
    QTRY_COMPARE(proc.state(), QProcess::NotRunning);
    // On its way out it says where the one relayed message's time went, stage by stage.
    err += proc.readAllStandardError();
    const QRegularExpression stages(QStringLiteral(
        "delivery stages over 1 messages, microseconds p50/p99/max: parsed to hub [0-9.]+/[0-9.]+/[0-9.]+, in the hub "
        "[0-9.]+/[0-9.]+/[0-9.]+, hub to worker thread [0-9.]+/[0-9.]+/[0-9.]+, worker thread to sockets "
        "[0-9.]+/[0-9.]+/[0-9.]+\\n"));
    QVERIFY2(stages.match(QString::fromUtf8(err)).hasMatch(), err.constData());
}

void TestServerProcess::consoleOnStandardInput()
{
    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(startServer(proc, {"--listen", "127.0.0.1:0", "--console"}, &host, &port));
    RawClient a;
    QVERIFY(a.connectTo(host, port));
    QVERIFY(a.registerAs("alice"));
    proc.write("list\nbroadcast hello from the operator\nexit\n");
    const auto notice = a.waitForCommand("NOTICE");
    QVERIFY(notice);
    QCOMPARE(notice->params.last(), QByteArray("hello from the operator"));
    const auto error = a.waitForCommand("ERROR");
    QVERIFY(error);
    QVERIFY(a.waitForDisconnected());
    QTRY_COMPARE_WITH_TIMEOUT(proc.state(), QProcess::NotRunning, 10000);
    QByteArray why;
    QVERIFY2(ServerProcess::exitedCleanly(proc, &why), why.constData());
    const QByteArray out = proc.readAllStandardOutput();
    QVERIFY2(out.contains(" alice "), out.constData());
    QVERIFY2(out.contains("sent to 1 client"), out.constData());
}

void TestServerProcess::tlsListenerAndSighupReload()
{
    TestCertificate live;
    QVERIFY(live.make());
    QProcess proc;
    proc.start(Binary, {"--tls-listen", "127.0.0.1:0", "--tls-cert", live.certFile(), "--tls-key", live.keyFile(),
                        "--log-level", "info"});
    QByteArray out;
    const QRegularExpression re(QStringLiteral("listening on 127.0.0.1:(\\d+) \\(TLS\\)"));
    QVERIFY(QTest::qWaitFor(
        [&] {
            out += proc.readAllStandardOutput();
            return out.contains("SHA-256");
        },
        10000));
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(out));
    QVERIFY2(m.hasMatch(), out.constData());
    QVERIFY2(!out.contains("listening on 127.0.0.1:6667"), out.constData()); // TLS only: no plain default
    const quint16 port = quint16(m.captured(1).toUInt());
    const QByteArray fingerprint = live.certificate().digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    QVERIFY2(out.contains(fingerprint), out.constData());

    RawClient before;
    QVERIFY(before.connectToTls(QHostAddress::LocalHost, port, live.certificate()));
    QVERIFY(before.registerAs("before"));

    TestCertificate renewed;
    QVERIFY(renewed.make());
    QFile::remove(live.certFile());
    QFile::remove(live.keyFile());
    QVERIFY(QFile::copy(renewed.certFile(), live.certFile()));
    QVERIFY(QFile::copy(renewed.keyFile(), live.keyFile()));
    ::kill(pid_t(proc.processId()), SIGHUP);
    QByteArray err;
    QVERIFY(QTest::qWaitFor(
        [&] {
            err += proc.readAllStandardError();
            return err.contains("TLS certificate reloaded");
        },
        10000));
    RawClient after;
    QVERIFY(after.connectToTls(QHostAddress::LocalHost, port, renewed.certificate()));
    QVERIFY(after.registerAs("after"));
    before.send("PRIVMSG after :still connected");
    QVERIFY(after.waitFor([](const IrcMessage &msg) { return msg.command == "PRIVMSG"; }));
    QCOMPARE(proc.state(), QProcess::Running);
    proc.terminate();
    QTRY_COMPARE_WITH_TIMEOUT(proc.state(), QProcess::NotRunning, 10000);
    QByteArray why;
    QVERIFY2(ServerProcess::exitedCleanly(proc, &why, err), why.constData());
}

void TestServerProcess::tlsStartupErrors()
{
    QProcess missing;
    missing.start(Binary, {"--tls-listen", "127.0.0.1:0", "--tls-cert", "/nonexistent/cert.pem", "--tls-key",
                           "/nonexistent/key.pem"});
    QVERIFY(missing.waitForFinished(5000));
    QCOMPARE(missing.exitCode(), 1);
    QVERIFY(missing.readAllStandardError().contains("cannot read certificate /nonexistent/cert.pem"));

    QProcess incomplete;
    incomplete.start(Binary, {"--tls-listen", "127.0.0.1:0"});
    QVERIFY(incomplete.waitForFinished(5000));
    QCOMPARE(incomplete.exitCode(), 2);
    QVERIFY(incomplete.readAllStandardError().contains("--tls-cert"));
}

void TestServerProcess::hashedOperPassword()
{
    QProcess hash;
    hash.start(Binary, {"--hash-password"});
    QVERIFY(hash.waitForStarted(5000));
    hash.write("s3cret\n");
    hash.closeWriteChannel();
    QVERIFY(hash.waitForFinished(10000));
    QCOMPARE(hash.exitCode(), 0);
    const QByteArray hashed = hash.readAllStandardOutput().trimmed();
    QVERIFY2(hashed.startsWith("pbkdf2-sha256$") && !hashed.contains("s3cret"), hashed.constData());

    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(
        startServer(proc, {"--listen", "127.0.0.1:0", "--oper", "admin:" + QString::fromLatin1(hashed)}, &host, &port));
    RawClient c;
    QVERIFY(c.connectTo(host, port));
    QVERIFY(c.registerAs("boss"));
    c.send("OPER admin wrong");
    QVERIFY(c.waitForCommand("464"));
    c.send("OPER admin s3cret");
    QVERIFY(c.waitForCommand("381"));
    proc.terminate();
    QTRY_COMPARE(proc.state(), QProcess::NotRunning);
}

// /proc/PID/stat's utime + stime, in clock ticks.
qint64 cpuTicks(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    return fields.value(11).toLongLong() + fields.value(12).toLongLong(); // fields 14 and 15
}

void TestServerProcess::descriptorLimitTurnsAwayWithoutSpinning_data()
{
    QTest::addColumn<QString>("threads");
    QTest::newRow("pool") << QStringLiteral("2");
    // Every connection a thread of its own, each needing a descriptor for its event loop too.
    QTest::newRow("thread per connection") << QStringLiteral("0");
}

void TestServerProcess::descriptorLimitTurnsAwayWithoutSpinning()
{
    QFETCH(QString, threads);
    // 64 descriptors in all: a few dozen connections fill them. A database file too, as in use.
    QTemporaryDir dir;
    QProcess server;
    server.setProcessChannelMode(QProcess::SeparateChannels);
    QHostAddress host;
    quint16 port = 0;
    QVERIFY(ServerProcess::start(server, QStringLiteral("prlimit"),
                                 {QStringLiteral("--nofile=64:64"), Binary, QStringLiteral("--listen"),
                                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--autojoin"), QString(),
                                  QStringLiteral("--threads"), threads, QStringLiteral("--database"),
                                  dir.filePath(QStringLiteral("confab.db"))},
                                 &host, &port));
    std::vector<std::unique_ptr<RawClient>> clients;
    int turnedAway = 0;
    for (int i = 0; i < 90; ++i) {
        auto c = std::make_unique<RawClient>();
        c->connectTo(host, port); // one turned away at once may be closed before it looks connected
        clients.push_back(std::move(c));
    }
    // Those beyond the limit are told why and closed; the others stay.
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(clients.begin(), clients.end(),
                                           [](const auto &c) { return c->count(RawClient::command("ERROR")) > 0; })
                                 > 0,
                             10000);
    for (const auto &c : clients) {
        if (const auto error = c->waitFor(RawClient::command("ERROR"), 1)) {
            QVERIFY2(error->params.last().contains("out of resources"), error->params.last().constData());
            ++turnedAway;
        }
    }
    QVERIFY(turnedAway > 0 && turnedAway < 90);
    // At the limit, with a connection waiting now and then, it does not spin.
    const qint64 before = cpuTicks(server.processId());
    QElapsedTimer clock;
    clock.start();
    RawClient knocking;
    knocking.connectTo(host, port);
    QTest::qWait(1000);
    const qint64 used = cpuTicks(server.processId()) - before;
    QVERIFY2(used >= 0 && used < sysconf(_SC_CLK_TCK) / 2,
             qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(used).arg(clock.elapsed())));
    // Descriptors free again: it serves new clients by itself, and said it all once.
    clients.clear();
    // Freed descriptors come back as the connections' threads end (a thread per connection
    // retires them one by one): retried against the clock, not a count of tries.
    QElapsedTimer waited;
    waited.start();
    bool served = false;
    while (!served && waited.elapsed() < 60000) {
        RawClient late;
        served = late.connectTo(host, port) && late.registerAs("late", {});
        if (!served)
            QTest::qWait(200);
    }
    if (!served) // its log, read only now: QVERIFY2 would read it (and lose it) on success too
        QFAIL(qPrintable(QStringLiteral("not served again after %1 ms (server %2, exit %3); its log ends:\n%4")
                             .arg(waited.elapsed())
                             .arg(server.state() == QProcess::Running ? "running" : "gone")
                             .arg(server.exitCode())
                             .arg(QString::fromUtf8(server.readAllStandardError().right(6000)))));
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    const QByteArray err = server.readAllStandardError();
    QCOMPARE(err.count("out of file descriptors"), 1);
    QVERIFY(err.contains("accepting connections again"));
}

QTEST_GUILESS_MAIN(TestServerProcess)
#include "tst_serverprocess.moc"
