// SPDX-License-Identifier: MIT
#pragma once

#include "clientid.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <utility>

Q_MOC_INCLUDE("net/connectionworker.h")

class ConnectionWorker;
class QThread;

// One serialised frame and the connections of one worker thread it goes to.
struct FrameGroup {
    QByteArray bytes;
    QList<ClientId> ids;
    qint64 routedNs = 0; // when the hub handed it over (LatencyHistogram::now()); 0: a reply, not timed
};
// What one message (or reply) brings one worker thread, in order. Its bytes are shared with every
// other receiver and thread, never copied, and referenced once per group rather than once per
// receiver: a reference is an atomic operation on a counter that every thread touches.
using FrameBatch = QList<FrameGroup>;

// The way into one worker thread. The hub and the server call it from their own threads; its
// signals, connected by the composition root (ChatServer) to the WorkerHost living in that
// thread, queue each call there. Created and deleted by the ThreadPolicy with its thread.
class HostLink : public QObject {
    Q_OBJECT
public:
    explicit HostLink(QThread *hostThread, QObject *parent = nullptr)
        : QObject(parent)
        , m_hostThread(hostThread)
    {
    }

    QThread *hostThread() const { return m_hostThread; }

    // A new connection's worker, already moved to the host's thread, and its descriptor.
    void adopt(ConnectionWorker *worker, qintptr descriptor) { Q_EMIT adoptRequested(worker, descriptor); }
    void deliver(const FrameBatch &batch) { Q_EMIT framesRouted(batch); }
    // Flush what was delivered to the connection so far, then close it.
    void close(ClientId id) { Q_EMIT closeRequested(id); }
    // The hub has handled enough of what the connection sent that it may read again.
    void resumeReading(ClientId id) { Q_EMIT resumeRequested(id); }

Q_SIGNALS:
    void adoptRequested(ConnectionWorker *worker, qintptr descriptor);
    void framesRouted(const FrameBatch &batch);
    void closeRequested(ClientId id);
    void resumeRequested(ClientId id);

private:
    QThread *const m_hostThread;
};
