#pragma once

#include "clientid.h"
#include "protocol/linereader.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <memory>

class Hub;
class QTcpSocket;
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
    // Queues a frame; the host flushes every connection with queued frames once per event-loop
    // pass (flushPending), so a burst of deliveries costs one write() per connection.
    void send(const QByteArray &frame);
    void flushPending();
    void closeGracefully();
    // Server shutdown: push out what is queued without blocking, and report nothing to the hub.
    void shutdown();
    // Ping and close-grace deadlines; the host calls it for all its workers from one timer.
    void checkLiveness();
    int tickIntervalMs() const;

private:
    void onReadyRead();
    void finish(const QByteArray &reason);

    const ClientId m_id;
    const std::shared_ptr<const ServerConfig> m_config;
    Hub *const m_hub;
    WorkerHost *const m_host;
    QTcpSocket *m_socket = nullptr;
    LineReader m_reader;
    QList<QByteArray> m_pending; // shared frames, not copies
    qint64 m_pendingBytes = 0;
    bool m_flushQueued = false;
    QElapsedTimer m_lastInput;
    QElapsedTimer m_closingSince;
    qint64 m_pingSentAtMs = -1; // m_lastInput time when we sent PING; -1: none outstanding
    bool m_finished = false;
    bool m_closing = false;
};
