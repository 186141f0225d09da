// SPDX-License-Identifier: MIT
// Bad input and bad peers: nothing crashes, nothing leaks, the other clients carry on.

#include "testserver.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
RawClient::Predicate quitOf(const QByteArray &nick)
{
    return [nick](const IrcMessage &m) { return m.command == "QUIT" && m.sourceNick() == nick; };
}

// A client that never reads: a blocking POSIX socket with a tiny receive buffer. QTcpSocket
// would read for us from the event loop, which is exactly what this client must not do.
class DeafClient {
public:
    ~DeafClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool connectTo(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const int small = 4096;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in addr = {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return ::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    }
    bool send(const QByteArray &bytes) { return ::write(m_fd, bytes.constData(), bytes.size()) == bytes.size(); }
    // Reads whatever has arrived within `ms` (at most one read); empty on timeout or end.
    QByteArray readSome(int ms)
    {
        pollfd p {m_fd, POLLIN, 0};
        if (::poll(&p, 1, ms) <= 0)
            return {};
        char buf[65536];
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        return n > 0 ? QByteArray(buf, n) : QByteArray();
    }

private:
    int m_fd = -1;
};

// Registers `deaf` as `nick` on a server configured with `sendqBytes`, beside a sender and a
// reader that keeps up, and waits until the reader has seen it join.
struct SlowReaderSetup {
    explicit SlowReaderSetup(qint64 sendqBytes)
        : server([sendqBytes] {
            ServerConfig config = TestServer::defaultConfig();
            config.sendqBytes = sendqBytes;
            return config;
        }())
    {
    }
    // The slow client's id, or 0 if something failed.
    ClientId start(const QByteArray &nick)
    {
        if (!server.start())
            return 0;
        sender = server.client("sender");
        reader = server.client("reader");
        if (!sender || !reader || !deaf.connectTo(server.port())
            || !deaf.send("NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\n")
            || !reader->waitFor([&](const IrcMessage &m) { return m.command == "JOIN" && m.sourceNick() == nick; }))
            return 0;
        return server.idOf(nick);
    }
    TestServer server;
    std::unique_ptr<RawClient> sender;
    std::unique_ptr<RawClient> reader;
    DeafClient deaf;
};
} // namespace

class TestRobustness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Any Qt warning (a timer stopped from the wrong thread, a notifier misuse, an unparseable
    // line) is a bug: fail on it.
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void disconnectMidMessage();
    void overlongLineGets417AndConnectionGoesOn();
    void endlessLineWithoutNewlineIsBounded();
    void nulByteLineIsRefused();
    void pingTimeoutDropsSilentClient();
    void pingTimeoutIsKeptToItsLength();
    void sendqOverflowDropsOnlyTheSlowReader();
    void slowReaderCatchesUpInOrder();
    void threadsAreReleasedWhenClientsLeave();
    void shutdownTellsEveryClient();
    void shutdownWhileClientsAreConnecting();
};

void TestRobustness::disconnectMidMessage()
{
    TestServer server;
    QVERIFY(server.start());
    auto observer = server.client("observer");
    auto leaver = server.client("leaver");
    QVERIFY(observer && leaver);
    leaver->sendRaw("PRIVMSG #lobby :this line never ends");
    QVERIFY(leaver->socket().waitForBytesWritten(1000));
    leaver->socket().abort();
    const auto quit = observer->waitFor(quitOf("leaver"));
    QVERIFY(quit);
    QVERIFY(!quit->params.at(0).isEmpty()); // a reason is always given
    QVERIFY(observer->sync());
    QCOMPARE(observer->count(RawClient::command("PRIVMSG")), 0);
    QTRY_COMPARE(server.server().activeConnections(), 1);
}

void TestRobustness::overlongLineGets417AndConnectionGoesOn()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    alice->send("PRIVMSG #lobby :" + QByteArray(600, 'x'));
    const auto err = alice->waitForCommand("417");
    QVERIFY(err);
    QCOMPARE(err->params.at(0), QByteArray("alice"));
    // Tags have their own, larger budget; exceeding it is refused the same way.
    alice->send("@+big=" + QByteArray(5000, 't') + " PRIVMSG #lobby :tags too big");
    QVERIFY(alice->waitForCommand("417"));
    alice->send("PRIVMSG #lobby :still here");
    QVERIFY(
        bob->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == "still here"; }));
    QVERIFY(bob->sync());
    QCOMPARE(bob->count(RawClient::command("PRIVMSG")), 1); // the long ones went nowhere
}

void TestRobustness::endlessLineWithoutNewlineIsBounded()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    QVERIFY(alice);
    // 2 MB with no newline: one 417, and the server drops the bytes instead of buffering them.
    const QByteArray chunk(64 * 1024, 'y');
    for (int i = 0; i < 32; ++i)
        alice->sendRaw(chunk);
    alice->sendRaw("\r\n");
    QVERIFY(alice->waitForCommand("417", 10000));
    QVERIFY(alice->sync(10000));
    QCOMPARE(alice->count(RawClient::command("417")), 1);
}

void TestRobustness::nulByteLineIsRefused()
{
    TestServer server;
    QVERIFY(server.start());
    auto alice = server.client("alice");
    auto bob = server.client("bob");
    QVERIFY(alice && bob);
    alice->sendRaw(QByteArray("PRIVMSG #lobby :a\0b\r\n", 21));
    const auto notice = alice->waitForCommand("NOTICE");
    QVERIFY(notice);
    QVERIFY(notice->params.last().contains("NUL"));
    QVERIFY(bob->sync());
    QCOMPARE(bob->count(RawClient::command("PRIVMSG")), 0);
    QVERIFY(alice->isConnected());
}

void TestRobustness::pingTimeoutDropsSilentClient()
{
    ServerConfig config = TestServer::defaultConfig();
    config.pingIntervalMs = 300;
    config.pingTimeoutMs = 300;
    TestServer server(config);
    QVERIFY(server.start());
    auto silent = server.client("silent");
    auto lively = server.client("lively");
    QVERIFY(silent && lively);
    QVERIFY(silent->waitForCommand("PING"));
    // lively answers every PING until silent has been dropped.
    bool dropped = false;
    QElapsedTimer deadline;
    deadline.start();
    while (!dropped && deadline.elapsed() < 10000) {
        if (const auto ping = lively->waitForCommand("PING", 200))
            lively->send("PONG :" + ping->params.last());
        dropped = lively->count(quitOf("silent")) > 0;
    }
    QVERIFY(dropped);
    const auto quit = lively->all(quitOf("silent")).first();
    QVERIFY(quit.params.at(0).startsWith("Ping timeout"));
    QVERIFY(silent->waitForCommand("ERROR"));
    QVERIFY(silent->waitForDisconnected());
    QVERIFY(lively->isConnected());
    QTRY_COMPARE(server.server().activeConnections(), 1);
}

void TestRobustness::pingTimeoutIsKeptToItsLength()
{
    // From the server's PING to the drop: the configured timeout, not a multiple of it.
    ServerConfig config = TestServer::defaultConfig();
    config.pingIntervalMs = 500;
    config.pingTimeoutMs = 1000;
    TestServer server(config);
    QVERIFY(server.start());
    auto silent = server.client("silent");
    QVERIFY(silent->waitForCommand("PING", 5000));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(silent->waitForCommand("ERROR", 10000));
    const qint64 ms = clock.elapsed();
    QVERIFY2(ms >= 900 && ms <= 2500, qPrintable(QStringLiteral("dropped %1 ms after the PING").arg(ms)));
}

void TestRobustness::sendqOverflowDropsOnlyTheSlowReader()
{
    constexpr qint64 SendqBytes = 64 * 1024;
    SlowReaderSetup setup(SendqBytes);
    const ClientId deafId = setup.start("deaf");
    QVERIFY(deafId != 0);
    TestServer &server = setup.server;
    RawClient *sender = setup.sender.get();
    RawClient *reader = setup.reader.get();
    const auto deafQueued = [&]() -> std::optional<qint64> {
        const std::optional<ConnectionTraffic> t = server.traffic(deafId);
        return t ? std::optional<qint64>(t->queuedBytes) : std::nullopt; // none: gone
    };

    // Chat until the deaf client is dropped; bounded in count and time. The sender waits for the
    // reader to catch up after each batch, so that only the deaf client falls behind, and by
    // then the frames are in the deaf client's queue (the hub routed them before the reader's).
    // In batches while the kernel's buffers take everything, then one line at a time, so that
    // the queue is seen just before the drop.
    const QByteArray padding(400, 'p');
    const qsizetype base = reader->receivedCount();
    int sent = 0;
    qint64 highest = 0, last = 0;
    QElapsedTimer timer;
    timer.start();
    while (reader->count(quitOf("deaf")) == 0 && sent < 100000 && timer.elapsed() < 60000) {
        const int batch = last == 0 ? 100 : 1;
        for (int i = 0; i < batch; ++i)
            sender->send("PRIVMSG #lobby :" + QByteArray::number(sent++) + ' ' + padding);
        QVERIFY(QTest::qWaitFor([&] { return reader->receivedCount() - base >= sent; }, 10000));
        const std::optional<qint64> queued = deafQueued();
        if (!queued)
            break;
        last = *queued;
        highest = std::max(highest, last);
    }
    QVERIFY2(QTest::qWaitFor([&] { return reader->count(quitOf("deaf")) > 0; }, 20000),
             qPrintable(QStringLiteral("deaf client not dropped after %1 messages").arg(sent)));
    // Dropped at its configured size: it never held more, and it held nearly that much.
    const qint64 frame = 512;
    QVERIFY2(highest <= SendqBytes, qPrintable(QStringLiteral("held %1 bytes").arg(highest)));
    QVERIFY2(last >= SendqBytes - 2 * frame, qPrintable(QStringLiteral("dropped after %1 bytes").arg(last)));
    QCOMPARE(reader->all(quitOf("deaf")).first().params.at(0), QByteArray("SendQ exceeded"));
    // The reader that keeps up lost nothing, in order.
    QVERIFY(sender->sync(30000));
    QVERIFY(reader->sync(30000));
    const QList<IrcMessage> got = reader->all(RawClient::command("PRIVMSG"));
    QCOMPARE(got.size(), sent);
    for (int i = 0; i < got.size(); ++i)
        QVERIFY(got.at(i).params.last().startsWith(QByteArray::number(i) + ' '));
    QTRY_COMPARE(server.server().activeConnections(), 2);
}

void TestRobustness::slowReaderCatchesUpInOrder()
{
    // What the kernel does not take waits in the connection's own queue (its thread's poller then
    // reports it writable) and must come out whole and in order once the reader reads again.
    SlowReaderSetup setup(8 * 1024 * 1024);
    const ClientId slowId = setup.start("slow");
    QVERIFY(slowId != 0);
    TestServer &server = setup.server;
    RawClient *sender = setup.sender.get();
    RawClient *reader = setup.reader.get();
    DeafClient &slow = setup.deaf;

    // Twice: the second time the queue fills again after it was emptied once.
    const QByteArray padding(400, 'p');
    const qsizetype base = reader->receivedCount();
    int sent = 0;
    int next = 0;
    QByteArray got;
    for (int round = 0; round < 2; ++round) {
        // Until the server holds some of it back (the kernel's buffers are full), bounded.
        qint64 queued = 0;
        for (int batches = 0; queued == 0 && batches < 150; ++batches) {
            for (int i = 0; i < 100; ++i)
                sender->send("PRIVMSG #lobby :" + QByteArray::number(sent++) + ' ' + padding);
            QVERIFY(QTest::qWaitFor([&] { return reader->receivedCount() - base >= sent; }, 10000));
            const std::optional<ConnectionTraffic> t = server.traffic(slowId);
            QVERIFY(t);
            queued = t->queuedBytes;
        }
        QVERIFY2(queued > 0, "the kernel took everything: nothing was held back");

        // Now it reads: every message, in order, and then the queue is empty.
        QElapsedTimer timer;
        timer.start();
        while (next < sent && timer.elapsed() < 30000) {
            QCoreApplication::processEvents();
            got += slow.readSome(50);
            qsizetype start = 0;
            for (qsizetype nl; (nl = got.indexOf('\n', start)) >= 0; start = nl + 1) {
                const QByteArray line = got.mid(start, nl - start);
                const qsizetype at = line.indexOf(" PRIVMSG #lobby :");
                if (at < 0)
                    continue;
                const QByteArray text = line.mid(at + 17);
                QVERIFY2(text.startsWith(QByteArray::number(next) + ' '), text.left(20).constData());
                ++next;
            }
            got.remove(0, start);
        }
        QCOMPARE(next, sent);
        QTRY_COMPARE(server.traffic(slowId).value_or(ConnectionTraffic {}).queuedBytes, 0);
    }
    QVERIFY(reader->count(quitOf("slow")) == 0);
}

void TestRobustness::threadsAreReleasedWhenClientsLeave()
{
    ServerConfig config = TestServer::defaultConfig();
    config.threads = 0; // one thread per connection: each must be retired
    TestServer server(config);
    QVERIFY(server.start());
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(server.client("t" + QByteArray::number(i)));
        QVERIFY(clients.back());
    }
    QCOMPARE(server.server().workerThreadCount(), 20);
    for (size_t i = 0; i < clients.size(); ++i) {
        if (i % 2)
            clients[i]->send("QUIT");
        else
            clients[i]->socket().abort();
    }
    QTRY_COMPARE(server.server().activeConnections(), 0);
    QTRY_COMPARE(server.server().workerThreadCount(), 0);
}

void TestRobustness::shutdownTellsEveryClient()
{
    TestServer server;
    QVERIFY(server.start());
    auto a = server.client("a");
    auto b = server.client("b");
    QVERIFY(a && b);
    server.server().shutdown("Maintenance");
    for (RawClient *c : {a.get(), b.get()}) {
        const auto error = c->waitForCommand("ERROR");
        QVERIFY(error);
        QVERIFY(error->params.at(0).contains("Maintenance"));
        QVERIFY(c->waitForDisconnected());
    }
    QCOMPARE(server.server().workerThreadCount(), 0);
    // Idempotent, and the destructor's own shutdown is then a no-op.
    server.server().shutdown();
}

// Connections accepted just before shutdown report to the hub after it has let go of the worker
// threads: the hub must ignore them rather than route replies to a deleted thread host.
void TestRobustness::shutdownWhileClientsAreConnecting()
{
    for (int round = 0; round < 20; ++round) {
        TestServer server;
        QVERIFY(server.start());
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 10; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(server.address(), server.port());
            sockets.push_back(std::move(s));
        }
        // Registration lines in flight as well, so the hub has replies to route.
        for (auto &s : sockets) {
            QVERIFY(s->waitForConnected(5000));
            s->write("CAP LS 302\r\nNICK n" + QByteArray::number(round) + "\r\n");
            s->flush();
        }
        // Accepted and handed to the worker threads; whether they have reported to the hub yet
        // is up to the scheduler.
        QTRY_COMPARE(server.server().activeConnections(), 10);
        server.server().shutdown("Going down");
        QCOMPARE(server.server().workerThreadCount(), 0);
    }
}

QTEST_GUILESS_MAIN(TestRobustness)
#include "tst_robustness.moc"
