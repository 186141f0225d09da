// SPDX-License-Identifier: MIT
#include "clusternode.h"

#include "clusterstream.h"
#include "config/redisaddress.h"
#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "nodelease.h"
#include "redisconnection.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QThread>
#include <QTimer>

#include <utility>

ClusterNode::ClusterNode(std::shared_ptr<const ServerConfig> config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_incarnation(QDateTime::currentMSecsSinceEpoch())
{
}

ClusterNode::~ClusterNode() = default;

void ClusterNode::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    QString error;
    const std::optional<RedisAddress> address = RedisAddress::parse(m_config->cluster, &error);
    Q_ASSERT(address); // checked with the options
    m_stream = new ClusterStream(*address, this);
    m_registry = new ClusterRegistry(m_config->node, m_stream, this);
    NodeLease::Timing timing;
    timing.leaseMs = m_config->nodeLeaseMs;
    timing.refreshMs = qMax(100, m_config->nodeLeaseMs / 3);
    timing.checkMs = qMax(100, qMin(1000, m_config->nodeLeaseMs / 5));
    m_lease = new NodeLease(*address, m_config->node, m_incarnation, timing, this);
    connect(m_registry, &ClusterRegistry::accountChangedElsewhere, this, &ClusterNode::accountChangedElsewhere);
    connect(m_registry, &ClusterRegistry::applied, this, &ClusterNode::eventApplied);
    m_publisher = new RedisConnection(*address, this);
    m_subscriber = new RedisConnection(*address, this);
    connect(m_subscriber, &RedisConnection::message, this,
            [this](const QByteArray &, const QByteArray &payload) { takeFrame(payload); });
    m_subscriber->subscribe("confab:to:" + m_config->node);

    const QString where = address->toString();
    connect(m_stream, &ClusterStream::ready, this, [this, where] {
        qCInfo(lcServer, "cluster: node %s connected to %s", m_config->node.constData(), qPrintable(where));
        if (!m_startedClean) {
            // Whatever an earlier incarnation of this node left in the registry goes first.
            m_startedClean = true;
            m_registry->reportNodeLost(m_config->node, m_incarnation - 1);
        } else if (std::exchange(m_streamReset, false)) {
            qCWarning(lcServer, "cluster: Redis came back without the event stream; every node joins again");
            resync(true);
        } else if (m_stream->takeAppendFailed()) {
            // Changes made while Redis was away are missing from the stream: this incarnation is
            // reported lost (its users leave the other nodes), and the next one joins again when
            // that report is applied (below).
            qCWarning(lcServer, "cluster: changes were lost while Redis was away; this node joins again");
            m_registry->reportNodeLost(m_config->node, m_incarnation);
        }
        setAvailable(true);
    });
    connect(m_stream, &ClusterStream::reset, this, [this] {
        m_registry->reset();
        m_streamReset = true;
    });
    connect(m_stream, &ClusterStream::lost, this, [this](const QString &why) {
        if (m_available)
            qCWarning(lcServer,
                      "cluster: %s; new nicks, joins of shared channels and messages to other nodes are "
                      "refused until Redis is back",
                      qPrintable(why));
        setAvailable(false);
    });
    connect(m_registry, &ClusterRegistry::applied, this, [this](const ClusterEvent &e) {
        // This incarnation lost (reported by this node or by another that found its lease gone).
        if (e.type == ClusterEvent::Type::NodeLost && e.lost == m_config->node && e.incarnation == m_incarnation)
            resync(false);
    });
    connect(m_lease, &NodeLease::nodeLost, this, [this](const QByteArray &node, qint64 incarnation) {
        qCWarning(lcServer, "cluster: node %s lost (its lease expired); its users quit", node.constData());
        m_registry->reportNodeLost(node, incarnation);
    });
    connect(m_lease, &NodeLease::selfLost, this, [] {
        // Its users were (or are being) reported lost by another node; the report, applied here,
        // makes this node join again.
        qCWarning(lcServer, "cluster: this node's lease was lost (Redis away, or paused too long)");
    });
    m_stream->open();
    m_publisher->open();
    m_subscriber->open();
    m_lease->start();
}

void ClusterNode::stop()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_stream)
        return;
    m_stopping = true;
    // Those it told are gone or going (the hub stops first): what the stream still brings while
    // this node says goodbye goes to nobody.
    disconnect(this, nullptr, nullptr, nullptr);
    // The others free this node's nicks at once rather than after its lease: the report is
    // waited for here (briefly), since nothing runs in this thread after stop().
    if (m_stream->isReady()) {
        bool done = false;
        ClusterEvent e;
        e.type = ClusterEvent::Type::NodeLost;
        e.node = m_config->node;
        e.lost = m_config->node;
        e.incarnation = m_incarnation;
        m_stream->append(e, [&done](bool) { done = true; });
        QEventLoop loop;
        QTimer::singleShot(2000, &loop, &QEventLoop::quit);
        const QDeadlineTimer deadline(2000);
        while (!done && !deadline.hasExpired())
            loop.processEvents(QEventLoop::WaitForMoreEvents, int(deadline.remainingTime()));
    }
    m_lease->stop(true);
    // Deleted here, in their thread: their sockets, notifiers and timers are this thread's.
    if (m_framesDropped || m_framesMissed || m_framesUnsent)
        qCInfo(lcServer, "cluster: relayed messages: %llu dropped (malformed or twice), %llu missed, %llu unsent",
               m_framesDropped, m_framesMissed, m_framesUnsent);
    delete std::exchange(m_subscriber, nullptr);
    delete std::exchange(m_publisher, nullptr);
    delete std::exchange(m_lease, nullptr);
    delete std::exchange(m_registry, nullptr);
    delete std::exchange(m_stream, nullptr);
}

void ClusterNode::claimNick(quint64 client, const QByteArray &nick, quint64 ticket)
{
    // Not before this incarnation's clean start is in the stream: a claim appended ahead of it
    // would be undone by it.
    if (!m_registry || !m_startedClean) {
        Q_EMIT nickClaimAnswered(ticket, int(ClusterRegistry::Claim::Unavailable));
        return;
    }
    m_registry->claimNick(client, nick,
                          [this, ticket](ClusterRegistry::Claim c) { Q_EMIT nickClaimAnswered(ticket, int(c)); });
}

void ClusterNode::announceAccount(const QByteArray &account)
{
    if (m_registry)
        m_registry->announceAccount(account);
}

void ClusterNode::releaseNick(quint64 client)
{
    if (m_registry)
        m_registry->releaseNick(client);
}

void ClusterNode::publishEvent(const ClusterEvent &event)
{
    if (m_registry && m_startedClean)
        m_registry->publish(event);
}

void ClusterNode::publishFrame(const QByteArray &node, const QList<quint64> &recipients, const QByteArray &line)
{
    if (!m_publisher || !m_publisher->isReady()) {
        // Not queued to arrive late and out of order (docs/cluster.md); counted and logged.
        if (m_framesUnsent++ % 1000 == 0)
            qCWarning(lcServer, "cluster: Redis unreachable, %llu message(s) to other nodes not relayed",
                      m_framesUnsent);
        return;
    }
    const quint64 sequence = ++m_sent[node];
    m_publisher->command({"PUBLISH", "confab:to:" + node,
                          ClusterFrame::encode(m_config->node, m_incarnation, sequence, recipients, line)});
}

void ClusterNode::takeFrame(const QByteArray &payload)
{
    std::optional<ClusterFrame> frame = ClusterFrame::decode(payload);
    if (!frame || frame->node == m_config->node) {
        if (m_framesDropped++ % 1000 == 0)
            qCWarning(lcServer, "cluster: a relayed message that does not parse was dropped (%llu so far)",
                      m_framesDropped);
        return;
    }
    Heard &heard = m_heard[frame->node];
    if (frame->incarnation != heard.incarnation) {
        // The first frame heard from a node (or from a new incarnation of it) sets where its
        // sequence stands: it counts from wherever it was when this node started listening.
        if (frame->incarnation < heard.incarnation) {
            ++m_framesDropped;
            return;
        }
        heard = {frame->incarnation, frame->sequence - 1};
    }
    if (frame->sequence <= heard.sequence) {
        ++m_framesDropped; // seen already
        return;
    }
    if (frame->sequence != heard.sequence + 1) {
        const quint64 missed = frame->sequence - heard.sequence - 1;
        m_framesMissed += missed;
        qCWarning(lcServer, "cluster: %llu message(s) from node %s were lost on the way (Redis was away?)", missed,
                  frame->node.constData());
    }
    heard.sequence = frame->sequence;
    Q_EMIT frameArrived(*frame);
}

void ClusterNode::setAvailable(bool available)
{
    if (m_available == available)
        return;
    m_available = available;
    Q_EMIT availabilityChanged(available);
}

void ClusterNode::resync(bool streamLost)
{
    if (m_stopping)
        return; // its own goodbye, read back

    // A new incarnation: a later report of this one lost is told apart from the last, and the
    // other nodes count its messages afresh.
    m_incarnation = qMax(m_incarnation + 1, QDateTime::currentMSecsSinceEpoch());
    m_sent.clear();
    if (streamLost)
        m_heard.clear();
    m_lease->renew(m_incarnation);
    Q_EMIT resyncNeeded(streamLost);
}

ClusterNode::Status ClusterNode::status() const
{
    Status s;
    s.node = m_config->node;
    s.available = m_available;
    if (m_lease)
        s.nodes = m_lease->nodes();
    if (m_stream)
        s.eventsDropped = m_stream->dropped();
    s.framesDropped = m_framesDropped;
    s.framesMissed = m_framesMissed;
    s.framesUnsent = m_framesUnsent;
    return s;
}
