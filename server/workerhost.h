#pragma once

#include "clientid.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>

class ConnectionWorker;

// The object that lives in a worker thread beside that thread's connection workers, and the
// target of every cross-thread call into that thread: adopting a new connection, delivering a
// batch of frames, closing. It looks workers up by id, so a delivery that races a disconnect
// finds nothing rather than a dangling pointer.
class WorkerHost : public QObject {
    Q_OBJECT
public:
    using Batch = QList<std::pair<ClientId, QByteArray>>;

    // The following run in the host's thread only.
    void adopt(ConnectionWorker *worker, qintptr descriptor);
    void deliver(const Batch &batch);
    void closeClient(ClientId id);
    // Server shutdown: flush what each connection has queued, then close them all.
    void closeAll();
    void forget(ClientId id);

private:
    QHash<ClientId, ConnectionWorker *> m_workers;
};
