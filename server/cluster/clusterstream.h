// SPDX-License-Identifier: MIT
#pragma once

#include "clusterevent.h"
#include "config/redisaddress.h"

#include <QObject>

#include <functional>

class RedisConnection;
struct RedisReply;

// The cluster's event stream (docs/cluster.md) as one node sees it: append() adds an entry
// (XADD) on one connection, and every entry, this node's own included, comes back through
// event() in the stream's order, read (XREAD BLOCK) on a second connection, from the first
// entry on. An entry that does not decode is dropped and counted, never passed on. When Redis
// goes away, reading resumes after the last entry read once it is back.
class ClusterStream : public QObject {
    Q_OBJECT
public:
    static constexpr const char *Key = "confab:events";

    explicit ClusterStream(const RedisAddress &address, QObject *parent = nullptr);
    ~ClusterStream() override;

    void open();
    // done(true) once Redis has the entry (it is then on its way back through event()),
    // done(false) when it could not be added (Redis unreachable): nothing was changed.
    void append(const ClusterEvent &event, std::function<void(bool)> done = {});
    quint64 dropped() const { return m_dropped; }
    bool isReady() const;

Q_SIGNALS:
    void event(const ClusterEvent &event);
    void ready();
    void lost(const QString &why);

private:
    void readNext();
    void takeEntries(const RedisReply &reply);

    RedisConnection *m_writer;
    RedisConnection *m_reader;
    QByteArray m_lastId = "0-0";
    bool m_reading = false;
    quint64 m_dropped = 0;
};
