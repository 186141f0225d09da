// SPDX-License-Identifier: MIT
#include "clusterregistry.h"

#include "clusterstream.h"
#include "protocol/ircnames.h"

#include <utility>

namespace {
QByteArray clientKey(const QByteArray &node, quint64 client) { return node + '/' + QByteArray::number(client); }
} // namespace

ClusterRegistry::ClusterRegistry(QByteArray node, ClusterStream *stream, QObject *parent)
    : QObject(parent)
    , m_node(std::move(node))
    , m_stream(stream)
{
    connect(m_stream, &ClusterStream::event, this, &ClusterRegistry::apply);
}

void ClusterRegistry::claimNick(quint64 client, const QByteArray &nick, std::function<void(Claim)> done)
{
    const quint64 claim = m_nextClaim++;
    ClusterEvent e;
    e.type = ClusterEvent::Type::NickTake;
    e.node = m_node;
    e.client = client;
    e.nick = nick;
    e.claim = claim;
    m_claims.insert(claim, std::move(done));
    m_stream->append(e, [this, claim](bool added) {
        if (added)
            return; // decided when it comes back
        if (std::function<void(Claim)> done = m_claims.take(claim))
            done(Claim::Unavailable);
    });
}

void ClusterRegistry::releaseNick(quint64 client)
{
    ClusterEvent e;
    e.type = ClusterEvent::Type::NickRelease;
    e.node = m_node;
    e.client = client;
    m_stream->append(e);
}

void ClusterRegistry::reportNodeLost(const QByteArray &lost, qint64 incarnation)
{
    ClusterEvent e;
    e.type = ClusterEvent::Type::NodeLost;
    e.node = m_node;
    e.lost = lost;
    e.incarnation = incarnation;
    m_stream->append(e);
}

void ClusterRegistry::announceAccount(const QByteArray &account)
{
    ClusterEvent e;
    e.type = ClusterEvent::Type::Account;
    e.node = m_node;
    e.account = account;
    m_stream->append(e);
}

void ClusterRegistry::reset()
{
    m_nicks.clear();
    m_nickOf.clear();
    m_lostIncarnations.clear();
    // Their entries went with the stream: they will never come back.
    const auto claims = std::exchange(m_claims, {});
    for (const auto &done : claims)
        done(Claim::Unavailable);
}

std::optional<ClusterRegistry::Holder> ClusterRegistry::holderOf(QByteArrayView nick) const
{
    const auto it = m_nicks.constFind(IrcNames::fold(nick));
    if (it == m_nicks.constEnd())
        return std::nullopt;
    return *it;
}

void ClusterRegistry::apply(const ClusterEvent &e)
{
    switch (e.type) {
    case ClusterEvent::Type::NickTake: {
        const QByteArray folded = IrcNames::fold(e.nick);
        const QByteArray key = clientKey(e.node, e.client);
        const auto held = m_nicks.constFind(folded);
        const bool free = held == m_nicks.constEnd() || (held->node == e.node && held->client == e.client);
        if (free) {
            // Taking a nick gives up the one the client had, in the same step.
            const QByteArray previous = m_nickOf.value(key);
            QByteArray previousNick;
            if (!previous.isEmpty() && previous != folded) {
                previousNick = m_nicks.value(previous).nick;
                m_nicks.remove(previous);
            }
            const Holder holder {e.node, e.client, e.nick};
            m_nicks.insert(folded, holder);
            m_nickOf.insert(key, folded);
            Q_EMIT nickTaken(holder, previousNick);
            if (e.node != m_node)
                Q_EMIT applied(e);
        }
        if (e.node == m_node) {
            if (std::function<void(Claim)> done = m_claims.take(e.claim))
                done(free ? Claim::Won : Claim::Taken);
        }
        break;
    }
    case ClusterEvent::Type::NickRelease:
        if (release(e.node, e.client) && e.node != m_node)
            Q_EMIT applied(e);
        break;
    case ClusterEvent::Type::Account:
        if (e.node != m_node)
            Q_EMIT accountChangedElsewhere(e.account);
        break;
    case ClusterEvent::Type::NodeLost: {
        // Every survivor may report it; the first report applied does the work.
        if (m_lostIncarnations.value(e.lost, -1) >= e.incarnation)
            break;
        m_lostIncarnations.insert(e.lost, e.incarnation);
        const QByteArray prefix = e.lost + '/';
        QList<quint64> clients;
        for (auto it = m_nickOf.cbegin(); it != m_nickOf.cend(); ++it) {
            if (it.key().startsWith(prefix))
                clients.append(it.key().mid(prefix.size()).toULongLong());
        }
        for (quint64 client : std::as_const(clients))
            release(e.lost, client);
        Q_EMIT applied(e);
        break;
    }
    case ClusterEvent::Type::User:
    case ClusterEvent::Type::Join:
    case ClusterEvent::Type::Part:
    case ClusterEvent::Type::Kill:
        // The hubs keep users and channels; this node's own were applied when they were made.
        if (e.node != m_node)
            Q_EMIT applied(e);
        break;
    case ClusterEvent::Type::Channel:
    case ClusterEvent::Type::Member:
        // A channel's state and a member's status are whole values: applied by every node in the
        // stream's order, this node's own too, so that two changes made at once on two nodes end
        // the same everywhere (the later in the stream wins).
        Q_EMIT applied(e);
        break;
    }
}

bool ClusterRegistry::release(const QByteArray &node, quint64 client)
{
    const QByteArray folded = m_nickOf.take(clientKey(node, client));
    if (folded.isEmpty())
        return false;
    const Holder holder = m_nicks.take(folded);
    Q_EMIT nickReleased(holder);
    return true;
}

void ClusterRegistry::publish(ClusterEvent event)
{
    event.node = m_node;
    m_stream->append(event);
}
