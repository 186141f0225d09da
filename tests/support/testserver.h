// SPDX-License-Identifier: MIT
#pragma once

#include "chatserver.h"
#include "config/serverconfig.h"
#include "rawclient.h"

#include <memory>
#include <optional>

// A real ChatServer in the test's process, listening on 127.0.0.1 port 0.
class TestServer {
public:
    static ServerConfig defaultConfig();
    // defaultConfig() plus a TLS listener on 127.0.0.1 port 0 with this certificate.
    static ServerConfig tlsConfig(const class TestCertificate &cert);

    explicit TestServer(ServerConfig config = defaultConfig());
    ~TestServer();

    bool start();
    quint16 port() const { return m_port; }
    quint16 tlsPort() const { return m_tlsPort; } // the first TLS listener's, if any
    QHostAddress address() const { return m_address; }
    ChatServer &server() { return *m_server; }

    // A connected client; registered as `nick` (and through the autojoin) unless nick is empty.
    std::unique_ptr<RawClient> client(const QByteArray &nick = {}, const QByteArray &autojoin = "#lobby");
    // The connection the hub knows by this nick (0: none), and what its worker thread counts
    // for a connection (nothing once it is gone).
    ClientId idOf(const QByteArray &nick) const;
    std::optional<ConnectionTraffic> traffic(ClientId id) const;
    // A client that registered the account `nick` (REGISTER) and, if `moveTo` is given, then
    // changed to that nick, leaving `nick` free for the client under test to log in with.
    std::unique_ptr<RawClient> accountOwner(const QByteArray &nick, const QByteArray &password,
                                            const QByteArray &moveTo = {});

private:
    std::unique_ptr<ChatServer> m_server;
    QHostAddress m_address;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
};
