// SPDX-License-Identifier: MIT
#pragma once

#include "config/redisaddress.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

// A redis-server of a test's own (Debian's redis-server): on 127.0.0.1, on a free port, with no
// persistence unless asked, in a temporary directory, stopped by the destructor. stop() and start() again
// keep the port, for tests of a Redis that goes away and comes back.
class ThrowawayRedis {
public:
    explicit ThrowawayRedis(QByteArray password = {});
    ~ThrowawayRedis();

    // False with error() saying why (redis-server missing, not ready in 10 s).
    bool start();
    // Before start(): keep the data across stop() and start() (an append-only file, written at
    // every command), as a Redis with persistence would.
    void setPersistent(bool persistent) { m_persistent = persistent; }
    void stop();
    quint16 port() const { return m_port; }
    qint64 processId() const { return m_process.processId(); }
    QString url(int database = 0) const;
    RedisAddress address(int database = 0) const;
    QString error() const { return m_error; }

private:
    QByteArray m_password;
    bool m_persistent = false;
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};
