// SPDX-License-Identifier: MIT
#pragma once

#include "config/serverconfig.h"
#include "net/clientid.h"
#include "net/connectiontraffic.h"
#include "net/deliverystages.h"

#include <QList>
#include <QObject>
#include <memory>
#include <vector>

class AccountService;
class AccountStore;
class ClusterNode;
class CommandHandler;
class ConnectionListener;
class HistoryStore;
class HistoryHandler;
class HostLink;
class Hub;
class PasswordWorker;
class QThread;
class ThreadPolicy;
class TlsContext;
class WorkerHost;

// The whole server, and its composition root: it builds the listeners, the hub with its router
// and command handlers, and the thread policy that hosts the connection workers, and it makes
// every connection between them, so that its connect() calls read as the server's data path
// (docs/architecture.md). Lives in the main thread.
class ChatServer : public QObject {
    Q_OBJECT
public:
    explicit ChatServer(ServerConfig config, QObject *parent = nullptr);
    ~ChatServer() override;

    // Opens the history database, loads the TLS certificate (if any TLS listener is configured)
    // and binds every listen address; on failure says why and binds nothing.
    bool start(QString *error);
    // Re-reads the certificate and key for new TLS connections; existing ones are untouched.
    // On failure the old ones stay in use.
    bool reloadTls(QString *error);
    QString tlsFingerprint() const;
    // The addresses actually bound (port 0 resolved).
    QList<ListenAddress> boundAddresses() const;
    // Tells every client, closes every connection, stops every thread. Idempotent.
    void shutdown(const QByteArray &reason = "Server shutting down");

    int activeConnections() const;
    int workerThreadCount() const;

    // For the operator console; each asks the hub (and for traffic, the worker threads) and
    // waits for the answer.
    struct ConnectionInfo {
        ClientId id = 0;
        QByteArray nick;
        QByteArray address;
        quint16 port = 0;
        qint64 signonTime = 0;
        qint64 bytesIn = 0;
        qint64 bytesOut = 0;
    };
    QList<ConnectionInfo> connections() const;
    // What the worker threads alone know of each connection, without asking the hub (so it
    // answers while the hub is busy).
    QList<ConnectionTraffic> traffic() const;
    // The hub's thread, for tests that need to hold the hub up.
    QThread *hubThread() const { return m_hubThread; }
    bool terminate(ClientId id, const QByteArray &reason);
    bool notice(ClientId id, const QByteArray &text);
    int broadcast(const QByteArray &text);
    // Every command the hub knows (for HELP's completeness, and tests).
    QList<QByteArray> commandNames() const;
    // The operator console's "nodes": the cluster as this node sees it; false without a cluster.
    struct NodeInfo {
        QByteArray name;
        qint64 startedMs = 0;    // its incarnation: when it (last) joined
        qint64 leaseLeftMs = -1; // at the last check; -1: expired or gone
        int users = 0;           // as this node's registry has them
        bool self = false;
    };
    struct ClusterInfo {
        bool redisReachable = false;
        QList<NodeInfo> nodes;
        quint64 eventsDropped = 0;
        quint64 framesDropped = 0;
        quint64 framesMissed = 0;
        quint64 framesUnsent = 0;
    };
    bool clusterInfo(ClusterInfo *info) const;

private:
    // A new connection from a listener: its worker, handed to a worker thread.
    void accept(qintptr descriptor, bool tls);
    // A new worker thread: its link carries the server's and the hub's calls into it, and its
    // host carries its connections' reports to the hub.
    void wireHost(HostLink *link, WorkerHost *host);

    std::shared_ptr<const ServerConfig> m_config;
    std::shared_ptr<TlsContext> m_tls; // null without TLS listeners
    QList<ConnectionListener *> m_listeners;
    QThread *m_hubThread = nullptr;
    // Declared before the hub and the threads that add to it.
    std::shared_ptr<DeliveryStages> m_stages = std::make_shared<DeliveryStages>();
    Hub *m_hub = nullptr;
    // Plain objects the hub calls in its own thread; they outlive it.
    std::vector<std::unique_ptr<CommandHandler>> m_handlers;
    HistoryHandler *m_historyHandler = nullptr; // one of them: read markers are restored into it
    // Accounts' shared work for the handlers, in the hub's thread too.
    std::unique_ptr<AccountService> m_accountService;
    // The database (history and accounts): its stores in a thread of their own.
    QThread *m_storageThread = nullptr;
    HistoryStore *m_store = nullptr;
    AccountStore *m_accountStore = nullptr;
    // Password work (PBKDF2) in a thread of its own, off the hub's.
    QThread *m_authThread = nullptr;
    PasswordWorker *m_passwords = nullptr;
    // A node of a cluster: its part of the shared registry, in a thread of its own.
    QThread *m_clusterThread = nullptr;
    ClusterNode *m_clusterNode = nullptr;
    ThreadPolicy *m_policy = nullptr;
    ClientId m_nextId = 0;
    bool m_stopped = false;
};
