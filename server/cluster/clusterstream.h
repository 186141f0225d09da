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
// goes away, reading resumes after the last entry read once it is back, or from the start when
// Redis came back without the stream (reset()).
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
    // Whether an append failed (Redis away) since the last call: the stream lacks a change of
    // this node's, which it must then make good (docs/cluster.md, "Redis lost").
    bool takeAppendFailed();

Q_SIGNALS:
    void event(const ClusterEvent &event);
    void ready();
    void lost(const QString &why);
    // Redis came back without the stream (it restarted without its data): it is read again from
    // its start, and everything known from it before is void. Emitted before ready().
    void reset();

private:
    void readNext();
    void takeEntries(const RedisReply &reply);

    RedisConnection *m_writer;
    RedisConnection *m_reader;
    QByteArray m_lastId = "0-0";
    bool m_reading = false;
    bool m_checked = false; // the reader knows where the stream stands (after each reconnect)
    bool m_appendFailed = false;
    quint64 m_dropped = 0;
};
