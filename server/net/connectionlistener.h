#pragma once

#include <QTcpServer>

// Accepts connections and hands each raw descriptor on, nothing else: the socket object must be
// created in the thread that will own it, which is not this one.
class ConnectionListener : public QTcpServer {
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

Q_SIGNALS:
    void descriptorAccepted(qintptr descriptor);

protected:
    void incomingConnection(qintptr descriptor) override { Q_EMIT descriptorAccepted(descriptor); }
};
