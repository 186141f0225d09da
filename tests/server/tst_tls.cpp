// SPDX-License-Identifier: MIT
// TLS listeners: real handshakes with a throw-away certificate made by openssl at test time,
// side by side with plain connections; timeouts, garbage, and certificate reloads.

#include "testcertificate.h"
#include "testserver.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace {
bool replaceFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    return QFile::copy(from, to);
}
} // namespace

class TestTls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral("."))); }
    void tlsAndPlainSideBySide();
    void handshakeTimeoutClosesSilentConnection();
    void plainTextOnTheTlsPortIsDropped();
    void reloadServesTheNewCertificateAndKeepsConnections();
    void failedReloadKeepsTheOldCertificate();
    void startupErrorsAreClear();
    void reloadRefusesAMismatchedKey();

private:
    TestCertificate m_cert;
};

void TestTls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QFAIL("Qt has no TLS backend here (libssl missing?)");
    QVERIFY(m_cert.make());
}

void TestTls::tlsAndPlainSideBySide()
{
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    QVERIFY(server.port() && server.tlsPort());
    RawClient secure;
    QVERIFY(secure.connectToTls(server.address(), server.tlsPort(), m_cert.certificate()));
    QCOMPARE(secure.socket().peerCertificate(), m_cert.certificate());
    QVERIFY(secure.registerAs("secure"));
    auto plain = server.client("plain");
    QVERIFY(plain);
    secure.send("PRIVMSG #lobby :over TLS");
    const auto got = plain->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; });
    QVERIFY(got);
    QCOMPARE(got->params.at(1), QByteArray("over TLS"));
    // Large output through the encryption layer arrives whole and in order.
    for (int i = 0; i < 200; ++i)
        plain->send("PRIVMSG secure :" + QByteArray::number(i) + ' ' + QByteArray(300, 'z'));
    QTRY_COMPARE(secure.count([](const IrcMessage &m) { return m.command == "PRIVMSG"; }), 200);
    const auto all = secure.all([](const IrcMessage &m) { return m.command == "PRIVMSG"; });
    for (int i = 0; i < 200; ++i)
        QVERIFY(all.at(i).params.at(1).startsWith(QByteArray::number(i) + ' '));
}

void TestTls::handshakeTimeoutClosesSilentConnection()
{
    ServerConfig config = TestServer::tlsConfig(m_cert);
    config.tlsHandshakeTimeoutMs = 300;
    TestServer server(config);
    QVERIFY(server.start());
    QTcpSocket silent;
    silent.connectToHost(server.address(), server.tlsPort());
    QVERIFY(silent.waitForConnected(5000));
    QTRY_COMPARE(server.server().activeConnections(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 10000);
    QTRY_COMPARE(server.server().activeConnections(), 0);
}

void TestTls::plainTextOnTheTlsPortIsDropped()
{
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    QTcpSocket confused;
    confused.connectToHost(server.address(), server.tlsPort());
    QVERIFY(confused.waitForConnected(5000));
    confused.write("NICK confused\r\nUSER confused 0 * :Confused\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(confused.state(), QAbstractSocket::UnconnectedState, 10000);
    QTRY_COMPARE(server.server().activeConnections(), 0);
    // The server is fine.
    auto plain = server.client("plain");
    QVERIFY(plain);
    RawClient secure;
    QVERIFY(secure.connectToTls(server.address(), server.tlsPort(), m_cert.certificate()));
    QVERIFY(secure.registerAs("secure"));
}

void TestTls::reloadServesTheNewCertificateAndKeepsConnections()
{
    TestCertificate live; // the files the server reads; renewed below
    QVERIFY(live.make());
    TestServer server(TestServer::tlsConfig(live));
    QVERIFY(server.start());
    const QSslCertificate first = live.certificate();
    RawClient before;
    QVERIFY(before.connectToTls(server.address(), server.tlsPort(), first));
    QVERIFY(before.registerAs("before"));

    TestCertificate renewed;
    QVERIFY(renewed.make());
    QVERIFY(replaceFile(renewed.certFile(), live.certFile()));
    QVERIFY(replaceFile(renewed.keyFile(), live.keyFile()));
    QString error;
    QVERIFY2(server.server().reloadTls(&error), qPrintable(error));
    QCOMPARE(server.server().tlsFingerprint(),
             QString::fromLatin1(renewed.certificate().digest(QCryptographicHash::Sha256).toHex(':')).toUpper());

    RawClient after;
    QVERIFY(after.connectToTls(server.address(), server.tlsPort(), renewed.certificate()));
    QCOMPARE(after.socket().peerCertificate(), renewed.certificate());
    QVERIFY(after.registerAs("after"));
    // The connection made before the reload is still there and talking.
    before.send("PRIVMSG #lobby :still here");
    const auto got = after.waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG"; });
    QVERIFY(got);
    QCOMPARE(got->sourceNick(), QByteArray("before"));
}

void TestTls::failedReloadKeepsTheOldCertificate()
{
    TestCertificate live;
    QVERIFY(live.make());
    TestServer server(TestServer::tlsConfig(live));
    QVERIFY(server.start());
    const QSslCertificate original = live.certificate();
    QFile key(live.keyFile());
    QVERIFY(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
    key.write("not a key\n");
    key.close();
    QString error;
    QVERIFY(!server.server().reloadTls(&error));
    QVERIFY2(error.contains(live.keyFile()), qPrintable(error));
    RawClient c;
    QVERIFY(c.connectToTls(server.address(), server.tlsPort(), original));
    QCOMPARE(c.socket().peerCertificate(), original);
}

void TestTls::startupErrorsAreClear()
{
    {
        ServerConfig config = TestServer::tlsConfig(m_cert);
        config.tlsCertFile = m_cert.dir() + QStringLiteral("/missing.pem");
        ChatServer server(config);
        QString error;
        QVERIFY(!server.start(&error));
        QVERIFY2(error.contains(QStringLiteral("cannot read certificate"))
                     && error.contains(QStringLiteral("missing.pem")),
                 qPrintable(error));
        QVERIFY(server.boundAddresses().isEmpty());
    }
    {
        ServerConfig config = TestServer::tlsConfig(m_cert);
        config.tlsKeyFile = m_cert.certFile(); // a certificate is not a key
        ChatServer server(config);
        QString error;
        QVERIFY(!server.start(&error));
        QVERIFY2(error.contains(QStringLiteral("no unencrypted PEM private key")), qPrintable(error));
    }
    {
        // A key that is a key, but another certificate's.
        TestCertificate other;
        QVERIFY(other.make());
        ServerConfig config = TestServer::tlsConfig(m_cert);
        config.tlsKeyFile = other.keyFile();
        ChatServer server(config);
        QString error;
        QVERIFY(!server.start(&error));
        QVERIFY2(error.contains(QStringLiteral("does not belong to the certificate")), qPrintable(error));
        QVERIFY(server.boundAddresses().isEmpty());
    }
}

void TestTls::reloadRefusesAMismatchedKey()
{
    TestCertificate live;
    QVERIFY(live.make());
    TestServer server(TestServer::tlsConfig(live));
    QVERIFY(server.start());
    const QSslCertificate original = live.certificate();
    // A renewal that brought a new certificate and left the old key: refused, the old pair stays.
    TestCertificate renewed;
    QVERIFY(renewed.make());
    QVERIFY(replaceFile(renewed.certFile(), live.certFile()));
    QString error;
    QVERIFY(!server.server().reloadTls(&error));
    QVERIFY2(error.contains(QStringLiteral("does not belong to the certificate")), qPrintable(error));
    RawClient c;
    QVERIFY(c.connectToTls(server.address(), server.tlsPort(), original));
    QCOMPARE(c.socket().peerCertificate(), original);
    QVERIFY(c.registerAs("stillworks"));
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
