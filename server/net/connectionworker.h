// SPDX-License-Identifier: MIT
#pragma once

#include "clientid.h"
#include "inboundbacklog.h"
#include "inboundline.h"
#include "protocol/linereader.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <memory>

class DescriptorPoller;
class QSslSocket;
class QTimer;
class TlsContext;
class WorkerHost;
struct ServerConfig;

// One client connection. Created in the listener's thread with no parent and no children, then
// moved to its host's thread; everything it owns (the socket or descriptor, its notifiers, the
// timers) is created there, in start(). It frames and parses input and reports it, through its
// host, as lines for the hub; it writes what the hub routes to it, watches liveness (PING) and
// caps its unsent bytes (the sendq).
//
// A plain connection owns its descriptor and does its own reads and writes; its thread's
// DescriptorPoller says when it is readable, and writable only while the kernel has not taken
// everything. A QTcpSocket costs several kilobytes per idle connection (its private data, a
// socket engine, three notifiers and a read buffer it keeps), three times what all of the rest
// costs (docs/performance.md). A TLS connection keeps QSslSocket, which does the encryption.
class ConnectionWorker : public QObject {
    Q_OBJECT
public:
    // `tls` is null for a plain connection.
    ConnectionWorker(ClientId id, std::shared_ptr<const ServerConfig> config, std::shared_ptr<TlsContext> tls);
    ~ConnectionWorker() override;

    ClientId id() const { return m_id; }
    qint64 bytesIn() const { return m_bytesIn; }
    qint64 bytesOut() const { return m_bytesOut; }
    qint64 queuedBytes() const;
    qint64 unprocessedBytes() const { return m_backlog->bytes(); }
    bool isReadingPaused() const { return m_readingPaused; }

    // All of these run in the worker's thread.
    void start(WorkerHost *host, qintptr descriptor);
    // Queues a frame; the host flushes every connection with queued frames once per event-loop
    // pass (flushPending), so a burst of deliveries costs one write() per connection.
    void send(const QByteArray &frame);
    // The same for a frame the host keeps alive until its flush (a delivery): no reference of
    // its own, unless the kernel does not take it in that flush. True if it was queued.
    bool queueShared(const QByteArray &frame);
    void flushPending();
    void closeGracefully();
    // The hub has caught up with what this connection sent: read the socket again.
    void resumeReading();
    // Server shutdown: push out what is queued without blocking, and report nothing to the hub.
    void shutdown();
    // Ping and close-grace deadlines; the host calls it for all its workers from one timer.
    void checkLiveness();
    int tickIntervalMs() const;
    // A plain connection's descriptor is ready: `events` as epoll says them.
    void descriptorReady(quint32 events);

private:
    void onReadyRead();
    // The plain descriptor can take more: write what waits.
    void writePending();
    // Forgets what is queued, and the list's capacity with it.
    void dropPending();
    // Copies what is left of this pass's shared frames into m_pending, in order: the host is
    // about to release them, or an owned frame must queue behind them.
    void keepPassFrames();
    // Counts a queued frame and enforces the sendq; false if that closed the connection.
    bool account(qint64 bytes);
    bool isOpen() const { return m_fd >= 0 || m_sslSocket; }
    // Stops both ways at once (a limit broken, an error): nothing more is read or written.
    void abortConnection();
    // Closes the plain descriptor, after taking it out of the poller.
    void closeDescriptor();
    // Tells the poller what this connection waits for now.
    void updateInterest();
    enum class ReadEnd { Open, Closed, Failed };
    // Reads and parses until the socket is empty or about `budget` bytes of lines are in `out`
    // (whole lines, so it may go over by what one read brings); returns their bytes. *end says
    // whether the peer closed or the read failed (m_readErrno).
    qint64 parseInto(QList<InboundLine> *out, qint64 budget, ReadEnd *end);
    // Hands the hub a batch of lines, and stops reading while the hub is too far behind.
    void report(const QList<InboundLine> &lines, qint64 bytes);
    // Hands the hub what flood control allows now; the rest waits for tokens.
    void release();
    void finish(const QByteArray &reason);
    // ERROR to the client, then cut: for limits the client broke (ping timeout, flood).
    void drop(const QByteArray &reason);

    const ClientId m_id;
    const std::shared_ptr<const ServerConfig> m_config;
    const std::shared_ptr<TlsContext> m_tls;
    WorkerHost *m_host = nullptr;
    int m_fd = -1; // a plain connection's descriptor
    DescriptorPoller *m_poller = nullptr;
    bool m_wantWrite = false;   // the kernel did not take everything: wait until it can
    bool m_watched = false;     // in the poller's set
    bool m_interestRead = true; // what the poller was last told
    bool m_interestWrite = false;
    QSslSocket *m_sslSocket = nullptr; // a TLS connection's socket
    LineReader m_reader;
    const InboundBacklogPtr m_backlog = std::make_shared<InboundBacklog>();
    bool m_readingPaused = false;
    // What waits to be written, in this order: m_pending (frames with a reference of their own,
    // not copies of their bytes), then this pass's shared frames (a list through the host's
    // arena, from m_passHead).
    QList<QByteArray> m_pending;
    qint64 m_pendingOffset = 0; // bytes of m_pending's first frame already written
    int m_passHead = -1;
    int m_passTail = -1;
    qint64 m_passOffset = 0;   // bytes of the first pass frame already written (m_pending empty)
    qint64 m_pendingBytes = 0; // what both still have to write
    qint64 m_bytesIn = 0;
    qint64 m_bytesOut = 0; // handed to the socket (queued or written)
    bool m_flushQueued = false;
    QElapsedTimer m_lastInput;
    QElapsedTimer m_closingSince;
    qint64 m_pingSentAtMs = -1; // m_lastInput time when we sent PING; -1: none outstanding
    bool m_finished = false;
    bool m_closing = false;
    int m_readErrno = 0;

    // Flood control (ServerConfig::floodBurst/floodRate); off for exempt addresses.
    bool m_floodControlled = false;
    double m_tokens = 0;
    QElapsedTimer m_tokenClock;
    QList<InboundLine> m_held; // lines read but not yet allowed through
    qint64 m_heldBytes = 0;
    QTimer *m_floodTimer = nullptr; // created only for a client that floods
};
