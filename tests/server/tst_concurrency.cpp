// SPDX-License-Identifier: MIT
// Many real clients talking at once: every message delivered exactly once to every other
// member, in order per sender, whatever thread hosts each connection.

#include "testserver.h"

#include <QRegularExpression>
#include <QTest>

class TestConcurrency : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Any Qt warning (a timer stopped from the wrong thread, a notifier misuse, an unparseable
    // line) is a bug: fail on it.
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void everyMessageOnceInOrder_data();
    void everyMessageOnceInOrder();
};

void TestConcurrency::everyMessageOnceInOrder_data()
{
    QTest::addColumn<int>("threads");
    QTest::newRow("thread per connection") << 0;
    QTest::newRow("pool of 4") << 4;
}

void TestConcurrency::everyMessageOnceInOrder()
{
    QFETCH(int, threads);
    constexpr int Clients = 50;
    constexpr int Messages = 100;
    ServerConfig config = TestServer::defaultConfig();
    config.threads = threads;
    TestServer server(config);
    QVERIFY(server.start());

    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(server.client("c" + QByteArray::number(i)));
        QVERIFY(clients.back());
    }
    // Everyone has seen everyone join before the chatter starts.
    QVERIFY(QTest::qWaitFor([&] { return clients.front()->count(RawClient::command("JOIN")) == Clients; }, 10000));
    std::vector<qsizetype> base;
    for (auto &c : clients) {
        QVERIFY(c->sync());
        base.push_back(c->receivedCount());
    }

    // Each client writes all its messages in one burst, all clients at once.
    for (int i = 0; i < Clients; ++i) {
        QByteArray burst;
        for (int m = 0; m < Messages; ++m)
            burst += "PRIVMSG #lobby :" + QByteArray::number(i) + ' ' + QByteArray::number(m) + "\r\n";
        clients[i]->sendRaw(burst);
    }
    const qsizetype expected = qsizetype(Clients - 1) * Messages;
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (int i = 0; i < Clients; ++i)
                if (clients[i]->receivedCount() - base[i] < expected)
                    return false;
            return true;
        },
        60000));
    for (auto &c : clients)
        QVERIFY(c->sync(10000));

    for (int r = 0; r < Clients; ++r) {
        std::vector<int> next(Clients, 0);
        const RawClient &c = *clients[r];
        qsizetype privmsgs = 0;
        for (qsizetype k = base[r]; k < c.receivedCount(); ++k) {
            const IrcMessage &m = c.message(k);
            if (m.command != "PRIVMSG")
                continue;
            ++privmsgs;
            const QList<QByteArray> words = m.params.last().split(' ');
            const int sender = words.at(0).toInt();
            const int seq = words.at(1).toInt();
            QCOMPARE(m.sourceNick(), "c" + words.at(0));
            QVERIFY2(sender != r, "a client received its own message");
            QCOMPARE(seq, next[sender]); // in order, no gap, no duplicate
            ++next[sender];
        }
        QCOMPARE(privmsgs, expected);
    }
}

QTEST_GUILESS_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
