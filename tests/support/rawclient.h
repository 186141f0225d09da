// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/ircmessage.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslSocket>
#include <functional>
#include <optional>

// A scripted IRC client for tests: a real QTcpSocket in the test's thread that records every
// line the server sends. Waiting goes through QTest::qWaitFor (an event loop with a deadline),
// never a bare sleep.
class RawClient : public QObject {
    Q_OBJECT
public:
    explicit RawClient(QObject *parent = nullptr);

    bool connectTo(const QHostAddress &host, quint16 port);
    // TLS, trusting only `trusted` (the test's throw-away certificate); true once encrypted.
    bool connectToTls(const QHostAddress &host, quint16 port, const QSslCertificate &trusted);
    void send(const QByteArray &line);     // "\r\n" is appended
    void sendRaw(const QByteArray &bytes); // exactly these bytes
    // NICK + USER, then waits for the welcome and for the autojoin to finish (if any).
    bool registerAs(const QByteArray &nick, const QByteArray &autojoin = "#lobby");
    // The same after asking for IRCv3 capabilities (space-separated) and getting them.
    bool registerWithCaps(const QByteArray &nick, const QByteArray &caps, const QByteArray &autojoin = "#lobby");

    using Predicate = std::function<bool(const IrcMessage &)>;
    // The first not yet consumed message matching `pred`; consumes it and everything before it.
    std::optional<IrcMessage> waitFor(const Predicate &pred, int timeoutMs = 5000);
    std::optional<IrcMessage> waitForCommand(const QByteArray &command, int timeoutMs = 5000);
    // Round trip: once PONG comes back, the server has handled everything sent before.
    bool sync(int timeoutMs = 5000);
    bool waitForDisconnected(int timeoutMs = 5000);
    // A BATCH of `type` (its first parameter) and what it holds, up to its end; consumed.
    struct Batch {
        IrcMessage start; // BATCH +ref type params...
        QList<IrcMessage> lines;
    };
    std::optional<Batch> waitForBatch(const QByteArray &type, int timeoutMs = 5000);
    // Messages matching `pred` received so far, consumed or not.
    QList<IrcMessage> all(const Predicate &pred) const;
    int count(const Predicate &pred) const { return int(all(pred).size()); }
    // The ISUPPORT tokens of every 005 line received so far.
    QList<QByteArray> isupport() const;

    QSslSocket &socket() { return m_socket; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    qsizetype receivedCount() const { return m_messages.size(); }
    const IrcMessage &message(qsizetype i) const { return m_messages.at(i); }

    static Predicate command(const QByteArray &cmd);

private:
    void onReadyRead();

    QSslSocket m_socket; // used as a plain QTcpSocket unless connectToTls() is called
    QByteArray m_buffer;
    QList<IrcMessage> m_messages;
    qsizetype m_cursor = 0;
    int m_syncCounter = 0;
};
