#pragma once

#include "clientid.h"
#include "protocol/linereader.h"

#include <QElapsedTimer>
#include <QObject>
#include <memory>

class Hub;
class QTcpSocket;
class QTimer;
class WorkerHost;
struct ServerConfig;

// One client connection. Created in the listener's thread with no parent and no children, then
// moved to its host's thread; everything it owns (the socket, the timers) is created there, in
// start(). It frames and parses input, hands lines to the hub, writes what the hub routes to it,
// watches liveness (PING) and caps its unsent bytes (the sendq).
class ConnectionWorker : public QObject {
    Q_OBJECT
public:
    ConnectionWorker(ClientId id, std::shared_ptr<const ServerConfig> config, Hub *hub, WorkerHost *host);
    ~ConnectionWorker() override;

    ClientId id() const { return m_id; }

    // All of these run in the worker's thread.
    void start(qintptr descriptor);
    void send(const QByteArray &frame);
    void closeGracefully();
    // Server shutdown: push out what is queued without blocking, and report nothing to the hub.
    void shutdown();

private:
    void onReadyRead();
    void onTick();
    void finish(const QByteArray &reason);

    const ClientId m_id;
    const std::shared_ptr<const ServerConfig> m_config;
    Hub *const m_hub;
    WorkerHost *const m_host;
    QTcpSocket *m_socket = nullptr;
    QTimer *m_tick = nullptr;
    LineReader m_reader;
    QElapsedTimer m_lastInput;
    QElapsedTimer m_closingSince;
    qint64 m_pingSentAtMs = -1; // m_lastInput time when we sent PING; -1: none outstanding
    bool m_finished = false;
    bool m_closing = false;
};
