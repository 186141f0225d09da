#include "chatserver.h"

#include "net/connectionlistener.h"
#include "net/connectionworker.h"
#include "hub/hub.h"
#include "config/serverlog.h"
#include "system/crossthread.h"
#include "net/threadpolicy.h"
#include "net/tlscontext.h"
#include "net/workerhost.h"

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
    CrossThread::track(m_hubThread);
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
    if (m_config->hasTls()) {
        m_tls = std::make_shared<TlsContext>(m_config->tlsCertFile, m_config->tlsKeyFile);
        if (!m_tls->load(error)) {
            m_tls.reset();
            return false;
        }
    }
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
        const bool tls = address.tls;
        connect(listener, &ConnectionListener::descriptorAccepted, this,
                [this, tls](qintptr descriptor) { accept(descriptor, tls); });
        // Usually out of descriptors: say so, the listener keeps going.
        connect(listener, &QTcpServer::acceptError, this, [listener](QAbstractSocket::SocketError) {
            qCWarning(lcServer, "accept failed: %s", qPrintable(listener->errorString()));
        });
        m_listeners.append(listener);
    }
    return true;
}

QList<ListenAddress> ChatServer::boundAddresses() const
{
    QList<ListenAddress> out;
    for (qsizetype i = 0; i < m_listeners.size(); ++i)
        out.append({m_listeners.at(i)->serverAddress(), m_listeners.at(i)->serverPort(), m_config->listen.at(i).tls});
    return out;
}

bool ChatServer::reloadTls(QString *error)
{
    if (!m_tls) {
        *error = QStringLiteral("no TLS listener is configured");
        return false;
    }
    return m_tls->load(error);
}

QString ChatServer::tlsFingerprint() const { return m_tls ? m_tls->fingerprint() : QString(); }

int ChatServer::activeConnections() const { return m_policy->activeConnections(); }

int ChatServer::workerThreadCount() const { return m_policy->threadCount(); }

namespace {
// Runs fn(hub) in the hub's thread and waits for its result; `fallback` once the server stopped.
template <typename T, typename Fn>
T askHub(Hub *hub, bool stopped, T fallback, Fn fn)
{
    if (stopped)
        return fallback;
    T result = fallback;
    CrossThread::call(hub, [&] { result = fn(*hub); });
    return result;
}
} // namespace

QList<ChatServer::ConnectionInfo> ChatServer::connections() const
{
    const QList<Hub::ClientSummary> clients =
        askHub(m_hub, m_stopped, QList<Hub::ClientSummary>(), [](Hub &hub) { return hub.clientSummaries(); });
    QHash<ClientId, WorkerHost::Traffic> traffic;
    for (WorkerHost *host : m_stopped ? QList<WorkerHost *>() : m_policy->hosts()) {
        QList<WorkerHost::Traffic> part;
        CrossThread::call(host, [host, &part] { part = host->traffic(); });
        for (const WorkerHost::Traffic &t : part)
            traffic.insert(t.id, t);
    }
    QList<ConnectionInfo> out;
    for (const Hub::ClientSummary &c : clients) {
        const WorkerHost::Traffic t = traffic.value(c.id, {c.id, 0, 0});
        out.append({c.id, c.nick, c.address, c.port, c.signonTime, t.bytesIn, t.bytesOut});
    }
    return out;
}

bool ChatServer::terminate(ClientId id, const QByteArray &reason)
{
    return askHub(m_hub, m_stopped, false, [&](Hub &hub) { return hub.terminate(id, reason); });
}

bool ChatServer::notice(ClientId id, const QByteArray &text)
{
    return askHub(m_hub, m_stopped, false, [&](Hub &hub) { return hub.noticeTo(id, text); });
}

int ChatServer::broadcast(const QByteArray &text)
{
    return askHub(m_hub, m_stopped, 0, [&](Hub &hub) { return hub.broadcastNotice(text); });
}

void ChatServer::accept(qintptr descriptor, bool tls)
{
    if (m_config->maxClients > 0 && m_policy->activeConnections() >= m_config->maxClients) {
        // Refused before any socket object exists: a few bytes straight to the descriptor.
        qCInfo(lcServer, "refused a connection: the server is full (%d connections)", m_config->maxClients);
        static const char full[] = "ERROR :Closing Link: server is full\r\n";
        [[maybe_unused]] const auto written = ::write(int(descriptor), full, sizeof full - 1);
        ::close(int(descriptor));
        return;
    }
    WorkerHost *host = m_policy->acquire();
    auto *worker = new ConnectionWorker(++m_nextId, m_config, tls ? m_tls : nullptr, m_hub, host);
    // Hand-off: the worker has no parent and no children yet, so it moves alone; it creates its
    // socket from the descriptor once it runs in its new thread.
    worker->moveToThread(host->thread());
    CrossThread::post(host, [host, worker, descriptor] { host->adopt(worker, descriptor); });
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
    CrossThread::call(hub, [hub, reason] { hub->shutdown(reason); });
    m_policy->shutdown();
    CrossThread::stop(m_hubThread);
    delete m_hub;
    m_hub = nullptr;
    delete m_hubThread;
    m_hubThread = nullptr;
}
