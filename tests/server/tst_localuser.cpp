// SPDX-License-Identifier: MIT
// Loopback connections identified by their local user (the kernel's sock_diag answer): the
// username is the login name, verified, and the connection limit counts per local user.

#include "net/localuser.h"
#include "testserver.h"

#include <QTest>
#include <pwd.h>
#include <unistd.h>

namespace {
QByteArray myLoginName()
{
    const passwd *pw = ::getpwuid(::getuid());
    return pw && pw->pw_name ? QByteArray(pw->pw_name) : QByteArray::number(::getuid());
}

ServerConfig identifying()
{
    ServerConfig config = TestServer::defaultConfig();
    config.identifyLocalUsers = true;
    return config;
}
} // namespace

class TestLocalUser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theKernelSaysWhoOwnsTheSocket()
    {
        TestServer server;
        QVERIFY(server.start());
        QTcpSocket socket;
        socket.connectToHost(server.address(), server.port());
        QVERIFY(socket.waitForConnected(5000));
        // Seen from the server's end: the peer is this socket.
        const LocalUser::Owner owner = LocalUser::ofConnection(socket.localAddress(), socket.localPort(),
                                                               socket.peerAddress(), socket.peerPort());
        QVERIFY(owner.known);
        QCOMPARE(owner.uid, uint(::getuid()));
        QCOMPARE(owner.name, myLoginName());
        // Not for a peer elsewhere, nor for a socket that does not exist.
        QVERIFY(!LocalUser::ofConnection(QHostAddress(QStringLiteral("192.0.2.1")), 1234, socket.peerAddress(),
                                         socket.peerPort())
                     .known);
        QVERIFY(!LocalUser::ofConnection(socket.localAddress(), quint16(socket.localPort() ^ 0x5555),
                                         socket.peerAddress(), socket.peerPort())
                     .known);
    }

    void usernameIsTheLoginName()
    {
        TestServer server(identifying());
        QVERIFY(server.start());
        auto c = server.client();
        c->send("NICK local");
        c->send("USER whatever 0 * :Local User");
        auto welcome = c->waitForCommand("001");
        QVERIFY(welcome);
        QVERIFY2(welcome->params.last().endsWith("local!" + myLoginName().left(18) + "@127.0.0.1"),
                 welcome->params.last().constData());
    }

    void connectionLimitCountsPerLocalUser()
    {
        ServerConfig config = identifying();
        config.maxPerIp = 3; // loopback stays exempt as an address; the user is counted
        TestServer server(config);
        QVERIFY(server.start());
        std::vector<std::unique_ptr<RawClient>> mine;
        for (int i = 0; i < 3; ++i) {
            mine.push_back(server.client("mine" + QByteArray::number(i)));
            QVERIFY(mine.back());
        }
        auto fourth = server.client();
        const auto error = fourth->waitForCommand("ERROR");
        QVERIFY(error);
        QVERIFY2(error->params.last().contains("Too many connections from your user"),
                 error->params.last().constData());
        // One leaves: room for another.
        mine.pop_back();
        // Once the hub has seen it go (and so counts it no more), the next one is let in.
        QTRY_COMPARE_WITH_TIMEOUT(server.idOf("mine2"), ClientId(0), 10000);
        QVERIFY(server.client("again"));
    }

    void withoutIdentLoopbackIsExempt()
    {
        ServerConfig config = TestServer::defaultConfig(); // identifyLocalUsers off
        config.maxPerIp = 2;
        TestServer server(config);
        QVERIFY(server.start());
        std::vector<std::unique_ptr<RawClient>> many;
        for (int i = 0; i < 5; ++i) {
            many.push_back(server.client("many" + QByteArray::number(i)));
            QVERIFY(many.back());
        }
        QCOMPARE(many.back()->all(RawClient::command("001")).first().params.last().contains("~many4"), true);
    }
};

QTEST_MAIN(TestLocalUser)
#include "tst_localuser.moc"
