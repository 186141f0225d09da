#pragma once

#include "chatserver.h"
#include "serverconfig.h"

#include <memory>

// A real ChatServer in the test's process, listening on 127.0.0.1 port 0.
class TestServer {
public:
    static ServerConfig defaultConfig();

    explicit TestServer(ServerConfig config = defaultConfig());
    ~TestServer();

    bool start();
    quint16 port() const { return m_port; }
    QHostAddress address() const { return m_address; }
    ChatServer &server() { return *m_server; }

private:
    std::unique_ptr<ChatServer> m_server;
    QHostAddress m_address;
    quint16 m_port = 0;
};
