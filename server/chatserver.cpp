#include "chatserver.h"

#include "connectionlistener.h"
#include "connectionworker.h"
#include "hub.h"
#include "threadpolicy.h"
#include "workerhost.h"

#include <QThread>
#include <unistd.h>

namespace {
// A burst of thousands of connects must not overflow the kernel's accept queue.
constexpr int ListenBacklog = 4096;
} // namespace

ChatServer::ChatServer(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::make_shared<const ServerConfig>(std::move(config)))
{
    m_policy = new ThreadPolicy(m_config->threads, this);
    m_hub = new Hub(m_config);
    m_hubThread = new QThread;
    m_hubThread->setObjectName(QStringLiteral("confab-hub"));
    m_hub->moveToThread(m_hubThread);
    connect(m_hub, &Hub::hostReleased, m_policy, &ThreadPolicy::release);
    m_hubThread->start();
}

ChatServer::~ChatServer()
{
    shutdown();
}

bool ChatServer::start(QString *error)
{
    for (const ListenAddress &address : m_config->listen) {
        auto *listener = new ConnectionListener(this);
        listener->setListenBacklogSize(ListenBacklog);
        if (!listener->listen(address.host, address.port)) {
            *error = QStringLiteral("cannot listen on %1: %2").arg(address.toString(), listener->errorString());
            delete listener;
            qDeleteAll(m_listeners);
            m_listeners.clear();
            return false;
        }
        connect(listener, &ConnectionListener::descriptorAccepted, this, &ChatServer::accept);
        m_listeners.append(listener);
    }
    return true;
}

QList<ListenAddress> ChatServer::boundAddresses() const
{
    QList<ListenAddress> out;
    for (const ConnectionListener *l : m_listeners)
        out.append({l->serverAddress(), l->serverPort()});
    return out;
}

int ChatServer::activeConnections() const { return m_policy->activeConnections(); }

int ChatServer::workerThreadCount() const { return m_policy->threadCount(); }

void ChatServer::accept(qintptr descriptor)
{
    if (m_config->maxClients > 0 && m_policy->activeConnections() >= m_config->maxClients) {
        // Refused before any socket object exists: a few bytes straight to the descriptor.
        static const char full[] = "ERROR :Closing Link: server is full\r\n";
        [[maybe_unused]] const auto written = ::write(int(descriptor), full, sizeof full - 1);
        ::close(int(descriptor));
        return;
    }
    WorkerHost *host = m_policy->acquire();
    auto *worker = new ConnectionWorker(++m_nextId, m_config, m_hub, host);
    // Hand-off: the worker has no parent and no children yet, so it moves alone; it creates its
    // socket from the descriptor once it runs in its new thread.
    worker->moveToThread(host->thread());
    QMetaObject::invokeMethod(host, [host, worker, descriptor] { host->adopt(worker, descriptor); },
                              Qt::QueuedConnection);
}

void ChatServer::shutdown(const QByteArray &reason)
{
    if (m_stopped)
        return;
    m_stopped = true;
    qDeleteAll(m_listeners);
    m_listeners.clear();
    disconnect(m_hub, &Hub::hostReleased, m_policy, &ThreadPolicy::release);
    // The hub queues an ERROR line to every client and asks each worker to close; the policy's
    // closeAll then runs behind those events in every worker thread.
    Hub *hub = m_hub;
    QMetaObject::invokeMethod(hub, [hub, reason] { hub->shutdown(reason); }, Qt::BlockingQueuedConnection);
    m_policy->shutdown();
    m_hubThread->quit();
    m_hubThread->wait();
    delete m_hub;
    m_hub = nullptr;
    delete m_hubThread;
    m_hubThread = nullptr;
}
