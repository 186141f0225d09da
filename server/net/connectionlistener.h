#pragma once

#include <QTcpServer>

// Accepts connections and hands each raw descriptor on, nothing else: the socket object must be
// created in the thread that will own it, which is not this one.
class ConnectionListener : public QTcpServer {
    Q_OBJECT
public:
    // `tls`: connections on this listener speak TLS from the first byte.
    explicit ConnectionListener(bool tls, QObject *parent = nullptr)
        : QTcpServer(parent)
        , m_tls(tls)
    {
    }

Q_SIGNALS:
    void descriptorAccepted(qintptr descriptor, bool tls);

protected:
    void incomingConnection(qintptr descriptor) override { Q_EMIT descriptorAccepted(descriptor, m_tls); }

private:
    const bool m_tls;
};
