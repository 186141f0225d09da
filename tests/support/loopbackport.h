// SPDX-License-Identifier: MIT
#pragma once

#include <QTcpServer>

// A port that is free on 127.0.0.1 right now, for an engine a test starts (redis-server,
// PostgreSQL) that cannot listen on port 0 and report its port. Another process may take it
// before the engine binds it: the caller tries again with a new one.
inline quint16 freeLoopbackPort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}
