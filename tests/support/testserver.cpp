// SPDX-License-Identifier: MIT
#include "testserver.h"

#include "testcertificate.h"

#include <QDebug>

ServerConfig TestServer::defaultConfig()
{
    ServerConfig config;
    config.listen = {{QHostAddress(QHostAddress::LocalHost), 0}};
    config.name = "test.confab";
    config.createdAt = "today";
    // Tests drive many lines at once from loopback, as the benchmark does: they say so, since
    // flood control applies to loopback by default (tst_limits checks that default).
    config.floodExempt = ServerConfig::defaultExempt();
    // Tests compare hostmasks with the username the client claims; tst_localuser turns it on.
    config.identifyLocalUsers = false;
    // The least SCRAM allows: accounts made in tests cost milliseconds, not a tenth of a second.
    config.passwordIterations = 4096;
    return config;
}

ServerConfig TestServer::tlsConfig(const TestCertificate &cert)
{
    ServerConfig config = defaultConfig();
    config.listen.append({QHostAddress(QHostAddress::LocalHost), 0, true});
    config.tlsCertFile = cert.certFile();
    config.tlsKeyFile = cert.keyFile();
    return config;
}

TestServer::TestServer(ServerConfig config)
    : m_server(std::make_unique<ChatServer>(std::move(config)))
{
}

TestServer::~TestServer() = default;

bool TestServer::start()
{
    QString error;
    if (!m_server->start(&error)) {
        qWarning() << "TestServer:" << error;
        return false;
    }
    for (const ListenAddress &bound : m_server->boundAddresses()) {
        m_address = bound.host;
        if (bound.tls && !m_tlsPort)
            m_tlsPort = bound.port;
        if (!bound.tls && !m_port)
            m_port = bound.port;
    }
    return m_port != 0 || m_tlsPort != 0;
}

std::unique_ptr<RawClient> TestServer::client(const QByteArray &nick, const QByteArray &autojoin)
{
    auto c = std::make_unique<RawClient>();
    if (!c->connectTo(m_address, m_port))
        return nullptr;
    if (!nick.isEmpty() && !c->registerAs(nick, autojoin))
        return nullptr;
    return c;
}

std::unique_ptr<RawClient> TestServer::accountOwner(const QByteArray &nick, const QByteArray &password,
                                                    const QByteArray &moveTo)
{
    auto c = client(nick);
    if (!c)
        return nullptr;
    c->send("REGISTER * * :" + password);
    const auto answer
        = c->waitFor([](const IrcMessage &m) { return m.command == "REGISTER" || m.command == "FAIL"; }, 20000);
    if (!answer || answer->command != "REGISTER")
        return nullptr;
    if (!moveTo.isEmpty()) {
        c->send("NICK " + moveTo);
        if (!c->sync())
            return nullptr;
    }
    return c;
}

ClientId TestServer::idOf(const QByteArray &nick) const
{
    for (const ChatServer::ConnectionInfo &c : m_server->connections())
        if (c.nick == nick)
            return c.id;
    return 0;
}

std::optional<ConnectionTraffic> TestServer::traffic(ClientId id) const
{
    for (const ConnectionTraffic &t : m_server->traffic())
        if (t.id == id)
            return t;
    return std::nullopt;
}
