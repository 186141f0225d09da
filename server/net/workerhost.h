// SPDX-License-Identifier: MIT
#pragma once

#include "clientid.h"
#include "connectiontraffic.h"
#include "deliverystages.h"
#include "hostlink.h"
#include "inboundbacklog.h"
#include "inboundline.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <vector>

class ConnectionWorker;
class DescriptorPoller;
class QTimer;

// The object that lives in a worker thread beside that thread's connection workers. It is the
// receiving end of its HostLink (adopting a new connection, delivering a batch of frames,
// closing) and the voice of its workers: what they report leaves the thread as its signals, so
// that the signal connections are made once per thread, not per connection (each connection
// would cost about 0.7 KB of them: docs/performance.md). It looks workers up by id, so a
// delivery that races a disconnect finds nothing rather than a dangling pointer.
class WorkerHost : public QObject {
    Q_OBJECT
public:
    // `route` is the link into this host's thread: how the hub reaches its connections.
    // `stages`: where this thread's share of the delivery stages' timings goes as it finishes.
    explicit WorkerHost(HostLink *route, std::shared_ptr<DeliveryStages> stages = {});
    ~WorkerHost() override;

    // The readiness of this thread's plain connections.
    DescriptorPoller *poller() const { return m_poller; }

    // The following run in the host's thread only.
    // Server shutdown: flush what each connection has queued, then close them all.
    void closeAll();
    void forget(ClientId id);
    QList<ConnectionTraffic> traffic() const;
    // A worker has frames queued: flush it once the deliveries already queued to this thread are
    // handled. One queued call flushes every such worker.
    void scheduleFlush(ClientId id);

    // This pass's frames, queued to workers without a reference of their own: the host keeps the
    // batches they came in until every worker has flushed (flushAll), and each worker keeps its
    // frames as a list through this arena (indices; -1 ends a list).
    int addPassFrame(const QByteArray *bytes, int after);
    const QByteArray &passFrame(int index) const { return *m_passFrames[size_t(index)].bytes; }
    int nextPassFrame(int index) const { return m_passFrames[size_t(index)].next; }

    // What a worker reports, in this thread; each becomes one of the signals below.
    void reportConnected(ClientId id, const InboundBacklogPtr &backlog, const QHostAddress &peer, quint16 port,
                         const QByteArray &localUser = {})
    {
        Q_EMIT connected(id, m_route, backlog, peer, port, localUser);
    }
    void reportSecured(ClientId id, const QByteArray &certificate) { Q_EMIT secured(id, certificate); }
    void reportLines(ClientId id, const QList<InboundLine> &lines) { Q_EMIT linesRead(id, lines); }
    void reportClosed(ClientId id, const QByteArray &reason) { Q_EMIT closed(id, reason); }

Q_SIGNALS:
    // A connection's arrival, emitted before any of its lines: the hub knows a client before it
    // hears from it. `route` is where the hub sends what is for it; `backlog` counts what the
    // connection handed the hub and the hub has not yet handled (the hub lowers it).
    // `localUser`: for a loopback connection, the login name of the user who owns the client's
    // socket (as an identd would say), when it is known and asked for.
    void connected(ClientId id, HostLink *route, const InboundBacklogPtr &backlog, const QHostAddress &peer,
                   quint16 port, const QByteArray &localUser);
    // A TLS connection's handshake is done, before any of its lines; `certificate` is the SHA-256
    // fingerprint (hex) of the certificate the client showed, empty if none.
    void secured(ClientId id, const QByteArray &certificate);
    // The lines of one read of one connection (or what its flood control let through), in order:
    // one queued call per burst of lines, not one per line.
    void linesRead(ClientId id, const QList<InboundLine> &lines);
    // A connection's end, emitted last: it will say nothing more.
    void closed(ClientId id, const QByteArray &reason);

public Q_SLOTS:
    void adopt(ConnectionWorker *worker, qintptr descriptor);
    // Hands each frame to its connection; each flushes once this thread's queue is handled.
    void deliver(const FrameBatch &batch);
    void closeClient(ClientId id);
    // The hub has caught up with a connection that stopped reading: read again.
    void resumeReading(ClientId id);

private:
    void flushAll();

    void tick();

    HostLink *const m_route;
    DescriptorPoller *const m_poller;
    QHash<ClientId, ConnectionWorker *> m_workers;
    // One liveness timer per thread rather than per connection: thousands of idle clients cost
    // no timers of their own.
    QTimer *m_tick;
    QList<ClientId> m_dirty; // ids, not pointers: a worker may finish before the flush runs
    struct PassFrame {
        const QByteArray *bytes;
        int next;
    };
    std::vector<PassFrame> m_passFrames; // emptied, not freed, after each flush
    QList<FrameBatch> m_passBatches;     // what keeps the pass frames alive
    QList<qint64> m_passTaken;           // when each timed batch of this pass was taken up
    std::shared_ptr<DeliveryStages> m_stageTotals;
    DeliveryStages::Histograms m_stages; // this thread's: added to m_stageTotals as the host goes
};
