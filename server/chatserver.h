#pragma once

#include "net/clientid.h"
#include "config/serverconfig.h"

#include <QList>
#include <QObject>
#include <memory>

class ConnectionListener;
class Hub;
class QThread;
class ThreadPolicy;
class TlsContext;

// The whole server: listeners, the hub in its thread, and the thread policy that hosts the
// connection workers. Lives in the main thread.
class ChatServer : public QObject {
    Q_OBJECT
public:
    explicit ChatServer(ServerConfig config, QObject *parent = nullptr);
    ~ChatServer() override;

    // Loads the TLS certificate (if any TLS listener is configured) and binds every listen
    // address; on failure says why and binds nothing.
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
    bool terminate(ClientId id, const QByteArray &reason);
    bool notice(ClientId id, const QByteArray &text);
    int broadcast(const QByteArray &text);

private:
    void accept(qintptr descriptor, bool tls);

    std::shared_ptr<const ServerConfig> m_config;
    std::shared_ptr<TlsContext> m_tls; // null without TLS listeners
    QList<ConnectionListener *> m_listeners;
    QThread *m_hubThread = nullptr;
    Hub *m_hub = nullptr;
    ThreadPolicy *m_policy = nullptr;
    ClientId m_nextId = 0;
    bool m_stopped = false;
};
