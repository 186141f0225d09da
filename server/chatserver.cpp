// SPDX-License-Identifier: MIT
#include "chatserver.h"

#include "auth/passwordworker.h"
#include "cluster/clusternode.h"
#include "config/postgresaddress.h"
#include "config/serverlog.h"
#include "handlers/accountservice.h"
#include "handlers/channelhandler.h"
#include "handlers/historyhandler.h"
#include "handlers/infohandler.h"
#include "handlers/messagehandler.h"
#include "handlers/modehandler.h"
#include "handlers/nickservhandler.h"
#include "handlers/operatorhandler.h"
#include "handlers/queryhandler.h"
#include "handlers/registrationhandler.h"
#include "handlers/saslhandler.h"
#include "hub/clusterrouter.h"
#include "hub/hub.h"
#include "hub/localrouter.h"
#include "net/connectionlistener.h"
#include "net/connectionworker.h"
#include "net/hostlink.h"
#include "net/threadpolicy.h"
#include "net/tlscontext.h"
#include "net/workerhost.h"
#include "storage/historybacklog.h"
#include "storage/postgreshistorystore.h"
#include "storage/sqlaccountstore.h"
#include "storage/sqlitehistorystore.h"
#include "system/crossthread.h"

#include <QThread>
#include <algorithm>
#include <unistd.h>
#include <utility>

namespace {

// A thread of the server's own (not yet started), named for the debugger and `top -H`, known to
// CrossThread, with these objects moved into it.
QThread *threadFor(const char *name, std::initializer_list<QObject *> objects)
{
    auto *thread = new QThread;
    thread->setObjectName(QLatin1String(name));
    CrossThread::track(thread);
    for (QObject *o : objects)
        o->moveToThread(thread);
    return thread;
}

// The other end: stops the thread (its events run out, it is waited for), then deletes what
// lived in it, then the thread, and clears the pointer.
void retire(QThread *&thread, std::initializer_list<QObject *> objects)
{
    CrossThread::stop(thread);
    qDeleteAll(objects);
    delete std::exchange(thread, nullptr);
}
// A burst of thousands of connects must not overflow the kernel's accept queue.
constexpr int ListenBacklog = 4096;
} // namespace

ChatServer::ChatServer(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::make_shared<const ServerConfig>(std::move(config)))
{
    // The hub, its way out and the commands it knows, all built before its thread starts. A new
    // command handler is one more line here.
    std::shared_ptr<HistoryBacklog> backlog
        = m_config->history ? std::make_shared<HistoryBacklog>(m_config->historyBacklog) : nullptr;
    std::unique_ptr<Router> router = std::make_unique<LocalRouter>();
    if (m_config->isClustered()) {
        // Other nodes' users are reached through their nodes: the hub hands a line to the
        // cluster's thread, which publishes it (docs/cluster.md).
        m_clusterNode = new ClusterNode(m_config);
        ClusterNode *node = m_clusterNode;
        router = std::make_unique<ClusterRouter>(
            std::move(router), [node](const QByteArray &to, const QList<quint64> &ids, const QByteArray &line) {
                CrossThread::post(node, [node, to, ids, line] { node->publishFrame(to, ids, line); });
            });
    }
    m_hub = new Hub(m_config, std::move(router), backlog, m_stages);
    auto history = std::make_unique<HistoryHandler>(*m_hub);
    m_historyHandler = history.get();
    auto channels = std::make_unique<ChannelHandler>(*m_hub, *history);
    auto info = std::make_unique<InfoHandler>(*m_hub);
    auto registration = std::make_unique<RegistrationHandler>(*m_hub, *channels, *info);
    m_accountService = std::make_unique<AccountService>(*m_hub);
    auto nickserv = std::make_unique<NickServHandler>(*m_hub, *m_accountService, *registration);
    m_handlers.push_back(std::make_unique<SaslHandler>(*m_hub, *m_accountService, *registration));
    m_handlers.push_back(std::move(registration));
    m_handlers.push_back(std::move(info));
    m_handlers.push_back(std::move(channels));
    m_handlers.push_back(std::make_unique<MessageHandler>(*m_hub));
    m_handlers.push_back(std::make_unique<QueryHandler>(*m_hub));
    m_handlers.push_back(std::make_unique<ModeHandler>(*m_hub));
    m_handlers.push_back(std::make_unique<OperatorHandler>(*m_hub, *m_accountService));
    m_hubThread = threadFor("confab-hub", {m_hub, history.get(), m_accountService.get(), nickserv.get()});

    // The database's stores own its connection in a thread of their own; history is one of its
    // uses, accounts the other. SQLite by default; PostgreSQL when --database is its URL.
    SqlHistoryStore *store = PostgresAddress::looksLikeOne(m_config->database)
                                 ? static_cast<SqlHistoryStore *>(new PostgresHistoryStore(m_config, backlog))
                                 : new SqliteHistoryStore(m_config, backlog);
    m_store = store;
    m_accountStore = new SqlAccountStore(*store);
    m_storageThread = threadFor("confab-storage", {m_store, m_accountStore});
    if (m_config->history) {
        // hub -> storage thread: what to keep, and channels' state.
        CrossThread::connect(m_hub, &Hub::historyRecorded, m_store, &HistoryStore::append);
        CrossThread::connect(m_hub, &Hub::channelSaved, m_store, &HistoryStore::saveChannel);
        CrossThread::connect(m_store, &HistoryStore::availabilityChanged, m_hub, &Hub::storeAvailable);
        // hub thread <-> storage thread: CHATHISTORY and SEARCH questions, and their answers.
        CrossThread::connect(history.get(), &HistoryHandler::queryRequested, m_store, &HistoryStore::query);
        CrossThread::connect(m_store, &HistoryStore::answered, history.get(), &HistoryHandler::answer);
        CrossThread::connect(history.get(), &HistoryHandler::readMarkerSaved, m_store, &HistoryStore::saveReadMarker);
    }
    // hub thread <-> storage thread: accounts to write, and whether they were.
    AccountService *accounts = m_accountService.get();
    CrossThread::connect(accounts, &AccountService::accountWrite, m_accountStore, &AccountStore::write);
    CrossThread::connect(m_accountStore, &AccountStore::written, accounts, &AccountService::accountWritten);
    m_storageThread->start();

    // hub thread <-> password thread: passwords to check and verifiers to make.
    m_passwords = new PasswordWorker;
    m_authThread = threadFor("confab-auth", {m_passwords});
    CrossThread::connect(accounts, &AccountService::passwordWork, m_passwords, &PasswordWorker::run);
    CrossThread::connect(m_passwords, &PasswordWorker::done, accounts, &AccountService::passwordDone);
    m_authThread->start();
    m_handlers.push_back(std::move(history));
    m_handlers.push_back(std::move(nickserv));

    if (m_config->isClustered()) {
        // One node of several (docs/cluster.md): the registry they share, in a thread of its own.
        m_hub->setClustered(true);
        m_clusterThread = threadFor("confab-cluster", {m_clusterNode});
        CrossThread::connect(m_hub, &Hub::nickClaimRequested, m_clusterNode, &ClusterNode::claimNick);
        CrossThread::connect(m_hub, &Hub::nickReleased, m_clusterNode, &ClusterNode::releaseNick);
        CrossThread::connect(m_clusterNode, &ClusterNode::nickClaimAnswered, m_hub, &Hub::nickClaimAnswered);
        // The other nodes' users and channels, and the lines they relay to this node's users.
        CrossThread::connect(m_hub, &Hub::clusterEventMade, m_clusterNode, &ClusterNode::publishEvent);
        CrossThread::connect(m_clusterNode, &ClusterNode::eventApplied, m_hub, &Hub::clusterEventApplied);
        CrossThread::connect(m_clusterNode, &ClusterNode::frameArrived, m_hub, &Hub::clusterFrameArrived);
        CrossThread::connect(m_clusterNode, &ClusterNode::availabilityChanged, m_hub, &Hub::clusterAvailable);
        CrossThread::connect(m_clusterNode, &ClusterNode::resyncNeeded, m_hub, &Hub::clusterResync);
        // Accounts live in the shared database; a change made on one node is read again by the
        // others (hub -> cluster -> the other nodes' storage -> their hubs).
        CrossThread::connect(accounts, &AccountService::accountChanged, m_clusterNode, &ClusterNode::announceAccount);
        CrossThread::connect(m_clusterNode, &ClusterNode::accountChangedElsewhere, m_accountStore,
                             &AccountStore::reload);
        CrossThread::connect(m_accountStore, &AccountStore::reloaded, accounts, &AccountService::accountReloaded);
        m_clusterThread->start();
    }

    m_policy = new ThreadPolicy(m_config->threads, m_stages, this);
    connect(m_policy, &ThreadPolicy::hostStarted, this, &ChatServer::wireHost);
    m_policy->startPool();
    // hub -> main thread: a connection is gone for good, so its thread may be retired.
    CrossThread::connect(m_hub, &Hub::routeReleased, m_policy, &ThreadPolicy::release);
    m_hubThread->start();
}

ChatServer::~ChatServer() { shutdown(); }

bool ChatServer::start(QString *error)
{
    {
        // Start-up may wait for the disk: nobody is connected yet.
        bool opened = false;
        QList<ChannelState> channels;
        QList<ReadMarker> markers;
        CrossThread::call(m_store, [&] { opened = m_store->open(error, &channels, &markers); });
        if (!opened)
            return false;
        if (m_config->history) {
            CrossThread::call(m_hub, &Hub::restore, channels);
            HistoryHandler *history = m_historyHandler;
            CrossThread::call(history, [history, &markers] { history->restoreReadMarkers(markers); });
        }
        QList<AccountRecord> accounts;
        QString why;
        bool loaded = false;
        CrossThread::call(m_accountStore, [&] { loaded = m_accountStore->load(&why, &accounts); });
        if (loaded)
            CrossThread::call(m_hub, &Hub::restoreAccounts, accounts);
        else
            qCWarning(lcServer, "accounts: unavailable (%s); nobody can log in or register", qPrintable(why));
    }
    // The node connects in the background: until Redis answers, new nicks get 437.
    if (m_clusterNode)
        CrossThread::call(m_clusterNode, &ClusterNode::start);
    if (m_config->hasTls()) {
        m_tls = std::make_shared<TlsContext>(m_config->tlsCertFile, m_config->tlsKeyFile);
        if (!m_tls->load(error)) {
            m_tls.reset();
            return false;
        }
    }
    for (const ListenAddress &address : m_config->listen) {
        auto *listener = new ConnectionListener(address.tls, this);
        listener->setListenBacklogSize(ListenBacklog);
        if (!listener->listen(address.host, address.port)) {
            *error = QStringLiteral("cannot listen on %1: %2").arg(address.toString(), listener->errorString());
            delete listener;
            qDeleteAll(m_listeners);
            m_listeners.clear();
            return false;
        }
        // listener -> server (both in the main thread): the new connection's descriptor.
        connect(listener, &ConnectionListener::descriptorAccepted, this, &ChatServer::accept);
        listener->startAccepting();
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

// The operator console's questions need their answers at once, so they are blocking calls into
// the hub's thread (and the worker threads', for traffic), not signals. Once the server has
// stopped there is no hub and no worker thread left to ask.
QList<ChatServer::ConnectionInfo> ChatServer::connections() const
{
    const QList<Hub::ClientSummary> clients
        = m_hub ? CrossThread::call(m_hub, &Hub::clientSummaries).value_or(QList<Hub::ClientSummary>())
                : QList<Hub::ClientSummary>();
    QHash<ClientId, ConnectionTraffic> traffic;
    for (const ConnectionTraffic &t : ChatServer::traffic())
        traffic.insert(t.id, t);
    QList<ConnectionInfo> out;
    for (const Hub::ClientSummary &c : clients) {
        const ConnectionTraffic t = traffic.value(c.id);
        out.append({c.id, c.nick, c.address, c.port, c.signonTime, t.bytesIn, t.bytesOut});
    }
    return out;
}

QList<ConnectionTraffic> ChatServer::traffic() const
{
    QList<ConnectionTraffic> out;
    for (WorkerHost *host : m_policy->hosts())
        out += CrossThread::call(host, &WorkerHost::traffic).value_or(QList<ConnectionTraffic>());
    return out;
}

bool ChatServer::terminate(ClientId id, const QByteArray &reason)
{
    return m_hub && CrossThread::call(m_hub, &Hub::terminate, id, reason).value_or(false);
}

bool ChatServer::notice(ClientId id, const QByteArray &text)
{
    return m_hub && CrossThread::call(m_hub, &Hub::noticeTo, id, text).value_or(false);
}

QList<QByteArray> ChatServer::commandNames() const
{
    return m_hub ? CrossThread::call(m_hub, &Hub::commandNames).value_or(QList<QByteArray>()) : QList<QByteArray>();
}

bool ChatServer::clusterInfo(ClusterInfo *info) const
{
    if (!m_clusterNode || !m_hub)
        return false;
    const std::optional<ClusterNode::Status> status = CrossThread::call(m_clusterNode, &ClusterNode::status);
    const QHash<QByteArray, int> users = CrossThread::call(m_hub, &Hub::usersByNode).value_or(QHash<QByteArray, int>());
    if (!status)
        return false;
    info->redisReachable = status->available;
    info->eventsDropped = status->eventsDropped;
    info->framesDropped = status->framesDropped;
    info->framesMissed = status->framesMissed;
    info->framesUnsent = status->framesUnsent;
    info->nodes.clear();
    for (const NodeLease::NodeInfo &n : status->nodes)
        info->nodes.append({n.name, n.incarnation, n.leaseLeftMs, users.value(n.name), n.name == status->node});
    // Nodes this one still has users of, but no longer sees registered (their loss not yet applied).
    for (auto it = users.cbegin(); it != users.cend(); ++it) {
        const bool listed = std::any_of(info->nodes.cbegin(), info->nodes.cend(),
                                        [&](const NodeInfo &n) { return n.name == it.key(); });
        if (!listed)
            info->nodes.append({it.key(), 0, -1, it.value(), it.key() == status->node});
    }
    return true;
}

int ChatServer::broadcast(const QByteArray &text)
{
    return m_hub ? CrossThread::call(m_hub, &Hub::broadcastNotice, text).value_or(0) : 0;
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
    HostLink *route = m_policy->acquire();
    auto *worker = new ConnectionWorker(++m_nextId, m_config, tls ? m_tls : nullptr);
    // The worker has no parent and no children yet, so it moves alone; its host starts it in its
    // new thread, where it creates its socket from the descriptor.
    worker->moveToThread(route->hostThread());
    route->adopt(worker, descriptor);
}

void ChatServer::wireHost(HostLink *link, WorkerHost *host)
{
    // main thread -> worker thread: a new connection to adopt.
    CrossThread::connect(link, &HostLink::adoptRequested, host, &WorkerHost::adopt);
    // worker thread -> hub: a connection's arrival, every batch of lines it reads, its end.
    CrossThread::connect(host, &WorkerHost::connected, m_hub, &Hub::clientConnected);
    CrossThread::connect(host, &WorkerHost::secured, m_hub, &Hub::clientSecured);
    CrossThread::connect(host, &WorkerHost::linesRead, m_hub, &Hub::clientLines);
    CrossThread::connect(host, &WorkerHost::closed, m_hub, &Hub::clientGone);
    // hub -> worker thread: one batch of frames per thread and message, never one call per
    // receiver; and closing a connection once what was routed to it is written.
    CrossThread::connect(link, &HostLink::framesRouted, host, &WorkerHost::deliver);
    CrossThread::connect(link, &HostLink::closeRequested, host, &WorkerHost::closeClient);
    CrossThread::connect(link, &HostLink::resumeRequested, host, &WorkerHost::resumeReading);
}

void ChatServer::shutdown(const QByteArray &reason)
{
    if (m_stopped)
        return;
    m_stopped = true;
    qDeleteAll(m_listeners);
    m_listeners.clear();
    // The hub queues an ERROR line to every client and asks each worker to close; the policy's
    // closeAll then runs behind those events in every worker thread.
    CrossThread::call(m_hub, &Hub::shutdown, reason);
    m_policy->shutdown();
    // The threads that outlive the hub (the cluster's, the store's) tell it nothing more: what
    // they posted before this is ordered before the hub's deletion (CrossThread::stop), nothing
    // after it can race with that.
    if (m_clusterNode)
        QObject::disconnect(m_clusterNode, nullptr, m_hub, nullptr);
    if (m_store)
        QObject::disconnect(m_store, nullptr, m_hub, nullptr);
    retire(m_hubThread, {std::exchange(m_hub, nullptr)});
    // Every thread that relayed has added its timings by now (docs/performance.md reads this line).
    if (const QByteArray stages = m_stages->summary(); !stages.isEmpty())
        qCInfo(lcServer, "%s", stages.constData());
    if (m_clusterNode) {
        // After the hub: every client's nick was given back, and the node leaves the cluster.
        CrossThread::call(m_clusterNode, &ClusterNode::stop);
        retire(m_clusterThread, {std::exchange(m_clusterNode, nullptr)});
    }
    // Password work still queued is for clients that are gone.
    retire(m_authThread, {std::exchange(m_passwords, nullptr)});
    if (m_store) {
        // Everything the hub recorded is queued to the store by now: it is written, then closed
        // (the accounts' use of the connection ends first).
        CrossThread::call(m_accountStore, &AccountStore::close);
        CrossThread::call(m_store, &HistoryStore::close);
        retire(m_storageThread, {std::exchange(m_accountStore, nullptr), std::exchange(m_store, nullptr)});
    }
}
