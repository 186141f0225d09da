// SPDX-License-Identifier: MIT
// The client side of TLS, against the real server's TLS listener with a throw-away certificate:
// verification by default, a pinned fingerprint, --insecure, and the address forms.

#include "client/clientsession.h"
#include "testcertificate.h"
#include "testserver.h"

#include <QTest>

namespace {
// The session's events, in order.
struct EventLog {
    explicit EventLog(ClientSession *s)
    {
        QObject::connect(s, &ClientSession::event, s, [this](const ChatEvent &e) { events.append(e); });
    }
    // The states the session entered, with the reason when it left one.
    QList<ChatEvent> entered(SessionState state) const
    {
        QList<ChatEvent> out;
        for (const ChatEvent &e : events)
            if (e.type == ChatEvent::Type::State && e.state == state)
                out.append(e);
        return out;
    }
    bool waitFor(SessionState state, int timeoutMs = 5000) const
    {
        return QTest::qWaitFor([&] { return !entered(state).isEmpty(); }, timeoutMs);
    }
    QStringList errors() const
    {
        QStringList out;
        for (const ChatEvent &e : events)
            if (e.type == ChatEvent::Type::Error)
                out.append(e.text);
        return out;
    }
    QList<ChatEvent> events;
};

ClientSession::Options tlsOptions(quint16 port, const QString &nick)
{
    ClientSession::Options o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = port;
    o.nick = nick;
    o.tls = true;
    o.reconnectMinMs = 50;
    o.reconnectMaxMs = 100;
    return o;
}

QString fingerprintOf(const QSslCertificate &cert)
{
    return QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':'));
}
} // namespace

class TestClientTls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void addressForms_data();
    void addressForms();
    void pinnedFingerprintConnects();
    void untrustedCertificateIsRefusedWithTheReason();
    void wrongPinIsRefused();
    void insecureConnectsAndSaysSo();
    void clientCertificateLogsInWithExternal();
    void plainConnectionMakesNoTlsSocket();

private:
    TestCertificate m_cert;
};

void TestClientTls::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(m_cert.make());
}

void TestClientTls::addressForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port"); // 0: left alone
    QTest::addColumn<bool>("tls");
    QTest::newRow("plain") << "chat.example.org:6668"
                           << "chat.example.org" << 6668 << false;
    QTest::newRow("ircs default port") << "ircs://chat.example.org"
                                       << "chat.example.org" << 6697 << true;
    QTest::newRow("ircs with port") << "ircs://chat.example.org:7000/"
                                    << "chat.example.org" << 7000 << true;
    QTest::newRow("plus port") << "chat.example.org:+6697"
                               << "chat.example.org" << 6697 << true;
    QTest::newRow("irc scheme") << "irc://127.0.0.1"
                                << "127.0.0.1" << 0 << false;
    QTest::newRow("ipv6 plus port") << "[::1]:+6697"
                                    << "::1" << 6697 << true;
}

void TestClientTls::addressForms()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(bool, tls);
    QString gotHost;
    quint16 gotPort = 0;
    bool gotTls = false;
    QVERIFY(ServerAddress::parse(text, &gotHost, &gotPort, &gotTls));
    QCOMPARE(gotHost, host);
    QCOMPARE(int(gotPort), port);
    QCOMPARE(gotTls, tls);
    // A caller that cannot do TLS is told so rather than silently connecting in plain text.
    if (tls)
        QVERIFY(!ServerAddress::parse(text, &gotHost, &gotPort));
}

void TestClientTls::pinnedFingerprintConnects()
{
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    ClientSession s;
    ClientSession::Options o = tlsOptions(server.tlsPort(), QStringLiteral("pinned"));
    o.tlsFingerprint = fingerprintOf(m_cert.certificate()).toUpper(); // the form the server prints
    s.setOptions(o);
    EventLog log(&s);
    s.open();
    QVERIFY(log.waitFor(SessionState::Connected));
    auto plain = server.client("plain");
    QVERIFY(plain);
    s.sendMessage(QStringLiteral("#lobby"), QStringLiteral("through TLS"));
    QVERIFY(plain->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1) == "through TLS"; }));
}

void TestClientTls::untrustedCertificateIsRefusedWithTheReason()
{
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    ClientSession s;
    s.setOptions(tlsOptions(server.tlsPort(), QStringLiteral("careful")));
    EventLog log(&s);
    s.open();
    QVERIFY(log.waitFor(SessionState::Disconnected));
    const QString reason = log.entered(SessionState::Disconnected).first().text;
    QVERIFY2(reason.contains(QStringLiteral("not trusted")), qPrintable(reason));
    QVERIFY2(reason.contains(QStringLiteral("self signed"), Qt::CaseInsensitive)
                 || reason.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
             qPrintable(reason));
    // It tells the user how to trust it, with the fingerprint to check.
    QVERIFY2(reason.contains(fingerprintOf(m_cert.certificate()), Qt::CaseInsensitive), qPrintable(reason));
    // A verification failure is not retried, even with auto-reconnect on.
    QCOMPARE(s.state(), ClientSession::State::Disconnected);
    QVERIFY(!log.waitFor(SessionState::Reconnecting, 500));
    QVERIFY(log.entered(SessionState::Connected).isEmpty());
    QCOMPARE(log.entered(SessionState::Disconnected).size(), 1);
}

void TestClientTls::wrongPinIsRefused()
{
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    ClientSession s;
    ClientSession::Options o = tlsOptions(server.tlsPort(), QStringLiteral("pinned"));
    o.tlsFingerprint = QString(64, u'a');
    s.setOptions(o);
    EventLog log(&s);
    s.open();
    QVERIFY(log.waitFor(SessionState::Disconnected));
    const QString reason = log.entered(SessionState::Disconnected).first().text;
    QVERIFY2(reason.contains(QStringLiteral("does not match")), qPrintable(reason));
    QCOMPARE(s.state(), ClientSession::State::Disconnected);
}

void TestClientTls::insecureConnectsAndSaysSo()
{
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    ClientSession s;
    ClientSession::Options o = tlsOptions(server.tlsPort(), QStringLiteral("reckless"));
    o.tlsInsecure = true;
    s.setOptions(o);
    EventLog log(&s);
    s.open();
    QVERIFY(log.waitFor(SessionState::Connected));
    QVERIFY(!log.errors().isEmpty());
    QVERIFY(log.errors().first().contains(QStringLiteral("NOT verified")));
}

void TestClientTls::clientCertificateLogsInWithExternal()
{
    TestCertificate clientCert;
    QVERIFY(clientCert.make(QStringLiteral("client.pem"), QStringLiteral("client-key.pem")));
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    // The account, with the client certificate's fingerprint added to it.
    auto owner = server.accountOwner("hana", "hana-password");
    QVERIFY(owner);
    owner->send("NS CERT ADD " + clientCert.certificate().digest(QCryptographicHash::Sha256).toHex(':'));
    QVERIFY(
        owner->waitFor([](const IrcMessage &m) { return m.command == "NOTICE" && m.params.last().contains("added"); }));
    owner->send("NICK hana_away");
    QVERIFY(owner->sync());

    ClientSession s;
    ClientSession::Options o = tlsOptions(server.tlsPort(), QStringLiteral("hana"));
    o.tlsFingerprint = fingerprintOf(m_cert.certificate());
    o.tlsCertFile = clientCert.certFile();
    o.tlsKeyFile = clientCert.keyFile();
    s.setOptions(o);
    EventLog log(&s);
    s.open();
    QTRY_COMPARE_WITH_TIMEOUT(s.account(), QStringLiteral("hana"), 10000);
    QCOMPARE(log.errors(), QStringList());
    // The login comes before the welcome: WHOIS once registered.
    QTRY_COMPARE_WITH_TIMEOUT(s.state(), ClientSession::State::Connected, 10000);
    owner->send("WHOIS hana");
    auto whois = owner->waitFor([](const IrcMessage &m) { return m.command == "330"; });
    QVERIFY(whois);
    QCOMPARE(whois->param(2), QByteArray("hana"));
}

void TestClientTls::plainConnectionMakesNoTlsSocket()
{
    TestServer server(TestServer::tlsConfig(m_cert));
    QVERIFY(server.start());
    ClientSession s;
    ClientSession::Options o = tlsOptions(server.port(), QStringLiteral("plainfirst"));
    o.tls = false;
    s.setOptions(o);
    EventLog log(&s);
    s.open();
    QVERIFY(log.waitFor(SessionState::Connected));
    // A QSslSocket, even unencrypted, loads the TLS backend and OpenSSL: a plain client has none.
    QVERIFY(s.findChildren<QSslSocket *>().isEmpty());

    // The same session then goes to the TLS port, and back.
    s.quit();
    QVERIFY(log.waitFor(SessionState::Disconnected));
    log.events.clear();
    o.tls = true;
    o.port = server.tlsPort();
    o.tlsFingerprint = fingerprintOf(m_cert.certificate());
    s.setOptions(o);
    s.open();
    QVERIFY(log.waitFor(SessionState::Connected));
    QCOMPARE(s.findChildren<QSslSocket *>().size(), 1);
    auto plain = server.client("watcher");
    QVERIFY(plain);
    s.sendMessage(QStringLiteral("#lobby"), QStringLiteral("now encrypted"));
    QVERIFY(
        plain->waitFor([](const IrcMessage &m) { return m.command == "PRIVMSG" && m.param(1) == "now encrypted"; }));
}

QTEST_GUILESS_MAIN(TestClientTls)
#include "tst_clienttls.moc"
