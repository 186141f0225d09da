// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

class ChatServer;

// The operator's commands (seed 002's console, made for a server: docs/origins.md): help, myip, myport, list,
// terminate, send, broadcast, exit. Reads nothing itself: main() feeds it lines from standard
// input, which keeps it testable in-process.
class ServerConsole : public QObject {
    Q_OBJECT
public:
    explicit ServerConsole(ChatServer *server, QObject *parent = nullptr);

    // Runs one command line and returns what to print (ending in a newline, or empty).
    QString execute(const QString &line);

Q_SIGNALS:
    void exitRequested();

private:
    QString list() const;
    QString nodes() const;
    QString myIp() const;
    QString myPort() const;

    ChatServer *m_server;
};
