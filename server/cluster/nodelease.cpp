// SPDX-License-Identifier: MIT
#include "nodelease.h"

#include "redisconnection.h"

#include <algorithm>

namespace {

QByteArray leaseKey(const QByteArray &node) { return "confab:node:" + node; }

// Refreshes the lease only while the register still names this incarnation: a node that was
// declared lost must not quietly come back under the same name.
// KEYS: nodes, lease; ARGV: name, incarnation, lease ms.
constexpr const char *RefreshScript = R"lua(
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
)lua";

// Takes a node whose lease has expired off the register; 1 for exactly one caller.
// KEYS: nodes, lease; ARGV: name, incarnation.
constexpr const char *ReapScript = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
)lua";

} // namespace

NodeLease::NodeLease(const RedisAddress &address, QByteArray node, qint64 incarnation, Timing timing, QObject *parent)
    : QObject(parent)
    , m_redis(new RedisConnection(address, this))
    , m_node(std::move(node))
    , m_incarnation(incarnation)
    , m_timing(timing)
{
    m_refresh.setInterval(m_timing.refreshMs);
    m_check.setInterval(m_timing.checkMs);
    connect(&m_refresh, &QTimer::timeout, this, &NodeLease::refresh);
    connect(&m_check, &QTimer::timeout, this, &NodeLease::check);
    connect(m_redis, &RedisConnection::ready, this, [this] {
        if (!m_registered)
            registerSelf();
        else
            refresh(); // back after an outage: at once, before the lease runs out
    });
}

NodeLease::~NodeLease() = default;

void NodeLease::start() { m_redis->open(); }

void NodeLease::stop(bool deregister)
{
    m_refresh.stop();
    m_check.stop();
    if (deregister && m_registered) {
        m_redis->command({"HDEL", NodesKey, m_node});
        m_redis->command({"DEL", leaseKey(m_node)});
    }
    m_registered = false;
}

void NodeLease::renew(qint64 incarnation)
{
    m_refresh.stop();
    m_check.stop();
    m_registered = false;
    m_incarnation = incarnation;
    if (m_redis->isReady())
        registerSelf(); // else on ready()
}

void NodeLease::registerSelf()
{
    const QByteArray incarnation = QByteArray::number(m_incarnation);
    m_redis->command({"HSET", NodesKey, m_node, incarnation});
    m_redis->command({"SET", leaseKey(m_node), incarnation, "PX", QByteArray::number(m_timing.leaseMs)},
                     [this](const RedisReply &r) {
                         if (r.isError())
                             return; // registered again on the next ready()
                         m_registered = true;
                         m_refresh.start();
                         m_check.start();
                         Q_EMIT registered();
                     });
}

void NodeLease::refresh()
{
    if (!m_registered)
        return;
    m_redis->command({"EVAL", RefreshScript, "2", NodesKey, leaseKey(m_node), m_node, QByteArray::number(m_incarnation),
                      QByteArray::number(m_timing.leaseMs)},
                     [this](const RedisReply &r) {
                         if (r.type != RedisReply::Type::Integer || r.integer != 0 || !m_registered)
                             return; // refreshed, or Redis away (it is tried again when back)
                         stop(false);
                         Q_EMIT selfLost();
                     });
}

void NodeLease::check()
{
    m_redis->command({"HGETALL", NodesKey}, [this](const RedisReply &r) {
        if (r.type != RedisReply::Type::Array)
            return;
        QHash<QByteArray, qint64> others;
        for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
            const QByteArray &name = r.elements.at(i).string;
            bool ok = false;
            const qint64 incarnation = r.elements.at(i + 1).string.toLongLong(&ok);
            if (ok && name != m_node)
                others.insert(name, incarnation);
        }
        m_others = others;
        QHash<QByteArray, NodeInfo> seen;
        for (auto it = others.cbegin(); it != others.cend(); ++it)
            seen.insert(it.key(), {it.key(), it.value(), -1});
        seen.insert(m_node, {m_node, m_incarnation, -1});
        m_seen = seen;
        for (const NodeInfo &n : std::as_const(seen)) {
            const QByteArray name = n.name;
            m_redis->command({"PTTL", leaseKey(name)}, [this, name](const RedisReply &ttl) {
                if (ttl.type == RedisReply::Type::Integer && m_seen.contains(name))
                    m_seen[name].leaseLeftMs = qMax<qint64>(-1, ttl.integer);
            });
        }
        for (auto it = others.cbegin(); it != others.cend(); ++it) {
            const QByteArray name = it.key();
            const qint64 incarnation = it.value();
            m_redis->command({"EVAL", ReapScript, "2", NodesKey, leaseKey(name), name, QByteArray::number(incarnation)},
                             [this, name, incarnation](const RedisReply &reaped) {
                                 if (reaped.type == RedisReply::Type::Integer && reaped.integer == 1) {
                                     m_others.remove(name);
                                     Q_EMIT nodeLost(name, incarnation);
                                 }
                             });
        }
        // Replies come in order: this one's comes after every reap above.
        m_redis->command({"PING"}, [this](const RedisReply &) { Q_EMIT checked(); });
    });
}

QList<NodeLease::NodeInfo> NodeLease::nodes() const
{
    QList<NodeInfo> out = m_seen.values();
    std::sort(out.begin(), out.end(), [](const NodeInfo &a, const NodeInfo &b) { return a.name < b.name; });
    return out;
}
