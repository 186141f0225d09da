// SPDX-License-Identifier: MIT
#include "hub.h"

#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "outboundframe.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"
#include "router.h"
#include "storage/historybacklog.h"
#include "storage/historykey.h"

#include <QDateTime>

#include <QRandomGenerator>
#include <QThread>
#include <QTimer>
#include <algorithm>

namespace {
// Remembered channels nobody is in are checked for expiry this often.
constexpr int ForgetIntervalMs = 3600 * 1000;
// What is recorded goes to the store at most this long after, or as soon as there is this much.
constexpr int HistoryHandOverMs = 20;
constexpr qsizetype HistoryHandOverEvents = 5000;
// A store that falls behind is logged at most once a minute.
constexpr qint64 HistoryLogQuietMs = 60'000;

// `line` (one serialised line) with one more tag in front.
QByteArray withTag(const QByteArray &line, const QByteArray &key, const QByteArray &value)
{
    const QByteArray tag = key + '=' + IrcMessage::escapeTagValue(value);
    return line.startsWith('@') ? '@' + tag + ';' + line.mid(1) : '@' + tag + ' ' + line;
}
} // namespace

Hub::Hub(std::shared_ptr<const ServerConfig> config, std::unique_ptr<Router> router,
         std::shared_ptr<HistoryBacklog> history, std::shared_ptr<DeliveryStages> stages, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_router(std::move(router))
    , m_backlog(std::move(history))
    , m_stageTotals(std::move(stages))
    , m_runId(QByteArray::number(QRandomGenerator::system()->generate64(), 36))
    , m_registrationTimer(new QTimer(this)) // a child: it moves to the hub's thread with it
{
    m_clock.start();
    if (m_backlog) {
        m_forgetTimer = new QTimer(this);
        connect(m_forgetTimer, &QTimer::timeout, this, &Hub::forgetOldChannels);
        m_historyTimer = new QTimer(this);
        m_historyTimer->setSingleShot(true);
        m_historyTimer->setInterval(HistoryHandOverMs);
        connect(m_historyTimer, &QTimer::timeout, this, &Hub::flushHistory);
    }
    // Checked a few times per timeout, at most once a second: expiry need not be exact.
    m_registrationTimer->setInterval(std::clamp(m_config->registrationTimeoutMs / 4, 20, 1000));
    connect(m_registrationTimer, &QTimer::timeout, this, &Hub::checkRegistrationTimeouts);
}

Hub::~Hub()
{
    qDeleteAll(m_channels);
    if (m_stageTotals)
        m_stageTotals->add(m_stages);
}

void Hub::addCommand(const QByteArray &name, int minParams, bool needsRegistration, CommandFn fn)
{
    m_commands.insert_or_assign(name, Command {minParams, needsRegistration, std::move(fn)});
}

QList<QByteArray> Hub::commandNames() const
{
    QList<QByteArray> names;
    for (const auto &[name, command] : m_commands)
        names.append(name);
    return names;
}

QHash<QByteArray, quint64> Hub::commandCounts() const
{
    QHash<QByteArray, quint64> counts;
    for (const auto &[name, command] : m_commands)
        if (command.count > 0)
            counts.insert(name, command.count);
    return counts;
}

void Hub::clientConnected(ClientId id, HostLink *route, const InboundBacklogPtr &backlog, const QHostAddress &address,
                          quint16 port, const QByteArray &localUser)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_shutDown)
        return;
    auto client = std::make_unique<HubClient>();
    client->id = id;
    client->route = route;
    client->backlog = backlog;
    QByteArray text = address.toString().toLatin1();
    // A hostmask must not start with ':' (it would end the parameter list), nor hold '%' scope.
    if (const qsizetype pct = text.indexOf('%'); pct >= 0)
        text.truncate(pct);
    if (text.startsWith(':'))
        text.prepend('0');
    client->address = text;
    client->host = text;
    client->port = port;
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    client->loopback = (mapped ? QHostAddress(v4) : address).isLoopback();
    client->signonTime = QDateTime::currentSecsSinceEpoch();
    client->connectedMs = m_clock.elapsed();
    HubClient &added = *client;
    m_clients.emplace(id, std::move(client));
    ++m_unregistered;
    qCInfo(lcServer, "connect #%llu from %s port %u", qulonglong(id), added.address.constData(), unsigned(port));
    if (!m_registrationTimer->isActive())
        m_registrationTimer->start();

    // The connection limit counts per address, but on this machine per user: everyone local
    // shares the loopback address, which is why loopback is exempt when its user is not known.
    added.localUser = localUser;
    added.limitKey = localUser.isEmpty() ? added.address : "user " + localUser;
    const int fromHere = ++m_perAddress[added.limitKey];
    if (m_config->maxPerIp > 0 && fromHere > m_config->maxPerIp
        && (!localUser.isEmpty() || !m_config->isExempt(address))) {
        qCInfo(lcServer, "refused #%llu: more than %d connections from %s", qulonglong(id), m_config->maxPerIp,
               added.limitKey.constData());
        sendClosingLink(added, (localUser.isEmpty() ? QByteArray("Too many connections from your address (at most ")
                                                    : QByteArray("Too many connections from your user (at most "))
                                   + QByteArray::number(m_config->maxPerIp) + ")");
        added.closing = true;
        added.closeReason = "Too many connections from this address";
        m_router->close(added);
    }
}

void Hub::checkRegistrationTimeouts()
{
    const qint64 now = m_clock.elapsed();
    bool waiting = false;
    for (auto &[id, client] : m_clients) {
        if (client->registered || client->closing)
            continue;
        if (now - client->connectedMs >= m_config->registrationTimeoutMs)
            disconnect(*client, "Registration timed out");
        else
            waiting = true;
    }
    if (!waiting)
        m_registrationTimer->stop();
}

void Hub::clientLines(ClientId id, const QList<InboundLine> &lines)
{
    Q_ASSERT(QThread::currentThread() == thread());
    auto it = m_clients.find(id);
    if (it == m_clients.end())
        return;
    HubClient &client = *it->second;
    // Copies: handling a line may close the client.
    const InboundBacklogPtr backlog = client.backlog;
    HostLink *const route = client.route;
    qint64 bytes = 0;
    // Timed: messages relayed (not registration, joins and their bursts, which would swamp them).
    auto relayed = [](const InboundLine &line) {
        return line.parsedNs && (line.message.command == "PRIVMSG" || line.message.command == "NOTICE");
    };
    if (!lines.isEmpty() && relayed(lines.first()))
        m_stages[DeliveryStages::ToHub].record(LatencyHistogram::now() - lines.first().parsedNs);
    for (const InboundLine &line : lines) {
        bytes += line.size;
        if (client.closing)
            continue;
        if (client.awaitingCluster) {
            // Behind a nick the cluster is deciding; a client that floods meanwhile goes.
            if (client.held.size() >= MaxHeldLines) {
                disconnect(client, "Excess Flood");
                continue;
            }
            client.held.append(line);
            continue;
        }
        m_lineStartNs = relayed(line) ? LatencyHistogram::now() : 0;
        handleLine(client, line);
    }
    m_lineStartNs = 0;
    if (backlog && backlog->consume(bytes, m_config->recvqBytes) && !client.closing)
        route->resumeReading(id);
}

void Hub::handleLine(HubClient &client, const InboundLine &line)
{
    switch (line.error) {
    case InboundLine::Error::TooLong:
        reply(client, Numeric::ERR_INPUTTOOLONG, {"Input line was too long"});
        return;
    case InboundLine::Error::Malformed:
        send(client, IrcMessage("NOTICE", {client.displayNick(), "Malformed line ignored (NUL byte or bad syntax)"},
                                m_config->name));
        return;
    case InboundLine::Error::InvalidUtf8:
        // IRCv3 UTF8ONLY: refuse rather than relay bytes other clients would show as garbage.
        {
            IrcMessage fail("FAIL", {line.message.command, "INVALID_UTF8",
                                     "Message rejected: this server accepts only UTF-8 text"});
            fail.trailing = true;
            send(client, std::move(fail));
            return;
        }
    case InboundLine::Error::None:
        break;
    }
    const IrcMessage &msg = line.message;
    // labeled-response: every reply to a labeled command, errors included, is one answer.
    const bool labeled = (client.caps & Capability::LabeledResponse) && (client.caps & Capability::Batch)
                         && msg.hasTag("label") && !msg.tag("label").isEmpty();
    if (labeled)
        m_capture = {&client, msg.tag("label"), {}, false};
    const auto cmd = m_commands.find(msg.command);
    if (cmd == m_commands.end()) {
        if (client.registered)
            reply(client, Numeric::ERR_UNKNOWNCOMMAND, {msg.command, "Unknown command"});
        else
            reply(client, Numeric::ERR_NOTREGISTERED, {"You have not registered"});
    } else if (cmd->second.needsRegistration && !client.registered) {
        reply(client, Numeric::ERR_NOTREGISTERED, {"You have not registered"});
    } else if (msg.params.size() < cmd->second.minParams) {
        reply(client, Numeric::ERR_NEEDMOREPARAMS, {msg.command, "Not enough parameters"});
    } else {
        ++cmd->second.count;
        cmd->second.fn(client, msg);
    }
    if (labeled && m_capture.client == &client)
        finishCapture();
}

void Hub::finishCapture()
{
    Capture c = std::exchange(m_capture, {});
    QByteArray out;
    if (c.deferred) {
        out = c.lines.join(); // the answer that comes later carries the label
    } else if (c.lines.isEmpty()) {
        IrcMessage ack("ACK", {}, m_config->name);
        ack.setTag("label", c.label);
        out = ack.serialize().value_or(QByteArray());
    } else if (c.lines.size() == 1) {
        out = withTag(c.lines.first(), "label", c.label);
    } else {
        const QByteArray ref = nextBatchRef();
        IrcMessage start("BATCH", {'+' + ref, "labeled-response"}, m_config->name);
        start.setTag("label", c.label);
        out = start.serialize().value_or(QByteArray());
        for (const QByteArray &line : c.lines)
            out += withTag(line, "batch", ref);
        out += IrcMessage("BATCH", {'-' + ref}, m_config->name).serialize().value_or(QByteArray());
    }
    m_router->send(*c.client, out);
}

QByteArray Hub::deferReply()
{
    if (!m_capture.client)
        return {};
    m_capture.deferred = true;
    return m_capture.label;
}

QByteArray Hub::nextBatchRef() { return QByteArray::number(++m_batchCounter, 36); }

void Hub::clientGone(ClientId id, const QByteArray &reason)
{
    auto it = m_clients.find(id);
    if (it == m_clients.end())
        return;
    HubClient &client = *it->second;
    qCInfo(lcServer, "disconnect #%llu %s (%s)", qulonglong(id), client.displayNick().constData(),
           (client.closeReason.isEmpty() ? reason : client.closeReason).constData());
    if (!client.closing) {
        announceQuit(client, reason);
        detach(client);
    }
    for (const auto &hook : std::as_const(m_goneHooks))
        hook(client);
    monitorClear(client);
    if (m_clustered && !client.nick.isEmpty())
        Q_EMIT nickReleased(id);
    if (client.registered) {
        notifyMonitors(client.nick, {}, false);
        --m_registered;
        m_invisible -= client.invisible;
        m_opers -= client.isOper();
    } else {
        --m_unregistered;
    }
    HostLink *route = client.route;
    if (auto count = m_perAddress.find(client.limitKey); count != m_perAddress.end() && --*count <= 0)
        m_perAddress.erase(count);
    m_clients.erase(it);
    // Only now may the thread policy retire the thread: nothing routes to this client any more.
    Q_EMIT routeReleased(route);
}

void Hub::shutdown(const QByteArray &reason)
{
    m_shutDown = true;
    m_registrationTimer->stop(); // here, in the hub's thread: the hub is deleted from another
    for (const auto &hook : std::as_const(m_shutdownHooks))
        hook();
    if (m_forgetTimer)
        m_forgetTimer->stop();
    flushHistory(); // stops its timer too
    reportDroppedHistory(true);
    for (auto &[id, client] : m_clients) {
        if (client->closing || client->isRemote())
            continue;
        sendClosingLink(*client, reason);
        client->closing = true;
        m_router->close(*client);
    }
    m_clients.clear();
    m_remote.clear();
    m_remoteByNode.clear();
    m_remoteCount = 0;
    m_perAddress.clear();
    m_registered = m_invisible = m_opers = m_unregistered = 0;
    m_nicks.clear();
    qDeleteAll(m_channels);
    m_channels.clear();
}

QList<Hub::ClientSummary> Hub::clientSummaries() const
{
    QList<ClientSummary> out;
    for (const auto &[id, c] : m_clients)
        if (!c->closing && !c->isRemote())
            out.append({id, c->nick, c->address, c->port, c->signonTime});
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    return out;
}

QHash<QByteArray, int> Hub::usersByNode() const
{
    QHash<QByteArray, int> out;
    for (const auto &[id, c] : m_clients)
        if (c->registered && !c->closing)
            ++out[c->isRemote() ? c->node : m_config->node];
    return out;
}

bool Hub::terminate(ClientId id, const QByteArray &reason)
{
    auto it = m_clients.find(id);
    if (it == m_clients.end() || it->second->closing)
        return false;
    disconnect(*it->second, reason.isEmpty() ? QByteArray("Terminated by the server operator")
                                             : "Terminated by the server operator: " + reason);
    return true;
}

bool Hub::noticeTo(ClientId id, const QByteArray &text)
{
    auto it = m_clients.find(id);
    if (it == m_clients.end() || it->second->closing)
        return false;
    IrcMessage notice("NOTICE", {it->second->displayNick(), text});
    notice.trailing = true;
    send(*it->second, std::move(notice));
    return true;
}

int Hub::broadcastNotice(const QByteArray &text)
{
    // "$server" addresses everyone on this server, so one line suits every receiver.
    IrcMessage notice("NOTICE", {"$" + m_config->name, text}, m_config->name);
    notice.trailing = true;
    OutboundFrame frame(std::move(notice));
    const QList<HubClient *> everyone = registeredClients();
    deliver(everyone, frame);
    return int(everyone.size());
}

HubClient *Hub::findNick(QByteArrayView nick) const { return m_nicks.value(IrcNames::fold(nick)); }

QList<HubClient *> Hub::clientsOf(HubClient &client) const
{
    if (client.account.isEmpty())
        return {&client};
    QList<HubClient *> out;
    for (const auto &[id, other] : m_clients)
        if (other->account == client.account)
            out.append(other.get());
    return out;
}

HubClient *Hub::findClient(ClientId id) const
{
    const auto it = m_clients.find(id);
    return it == m_clients.end() ? nullptr : it->second.get();
}

HubChannel *Hub::findChannel(QByteArrayView name) const { return m_channels.value(IrcNames::fold(name)); }

void Hub::setInvisible(HubClient &client, bool invisible)
{
    if (client.invisible == invisible)
        return;
    client.invisible = invisible;
    if (client.registered)
        m_invisible += invisible ? 1 : -1;
    userChanged(client);
}

void Hub::setOperName(HubClient &client, const QByteArray &name)
{
    const bool was = client.isOper();
    client.operName = name;
    if (client.registered && was != client.isOper())
        m_opers += client.isOper() ? 1 : -1;
    userChanged(client);
}

QList<HubClient *> Hub::registeredClients() const
{
    QList<HubClient *> out;
    out.reserve(m_nicks.size());
    for (HubClient *c : m_nicks)
        if (c->registered)
            out.append(c);
    return out;
}

bool Hub::requireOperator(HubClient &client)
{
    if (client.isOper())
        return true;
    reply(client, Numeric::ERR_NOPRIVILEGES, {"Permission Denied- You're not an IRC operator"});
    return false;
}

void Hub::send(HubClient &to, IrcMessage message)
{
    if (message.source.isEmpty() && message.command != "ERROR")
        message.source = m_config->name;
    OutboundFrame frame(std::move(message));
    deliver({&to}, frame);
}

void Hub::reply(HubClient &to, int numeric, QList<QByteArray> params)
{
    params.prepend(to.displayNick());
    IrcMessage msg(Numeric::code(numeric), std::move(params), m_config->name);
    msg.trailing = msg.params.size() > 1;
    send(to, std::move(msg));
}

void Hub::deliver(const QList<HubClient *> &recipients, OutboundFrame &frame, const HubClient *except)
{
    if (recipients.isEmpty())
        return;
    if (m_applying) {
        QList<HubClient *> local = recipients;
        local.removeIf([except](const HubClient *c) { return c->isRemote() || c == except; });
        if (!local.isEmpty())
            m_router->deliver(local, frame);
        return;
    }
    if (m_lineStartNs) {
        const qint64 routed = LatencyHistogram::now();
        m_stages[DeliveryStages::InHub].record(routed - m_lineStartNs);
        frame.setRoutedNs(routed);
    }
    if (m_capture.client && m_capture.client != except && recipients.contains(m_capture.client)) {
        // A reply to the labeled command: held until the command is done.
        const QByteArray &bytes = frame.bytesFor(m_capture.client->caps);
        if (!bytes.isEmpty())
            m_capture.lines.append(bytes);
        QList<HubClient *> others = recipients;
        others.removeAll(m_capture.client);
        if (except)
            others.removeAll(except);
        if (!others.isEmpty())
            m_router->deliver(others, frame);
        return;
    }
    m_router->deliver(recipients, frame, except);
}

void Hub::sendBytes(HubClient &to, const QByteArray &bytes)
{
    if (m_capture.client == &to)
        m_capture.lines.append(bytes);
    else
        m_router->send(to, bytes);
}

QList<HubClient *> Hub::interestedIn(const HubClient &client, Capability::Flag cap, bool includeSelf) const
{
    QList<HubClient *> out = peersOf(client, includeSelf);
    out.removeIf([cap](const HubClient *c) { return !(c->caps & cap); });
    const auto watchers = m_monitors.constFind(IrcNames::fold(client.nick));
    if (watchers != m_monitors.constEnd()) {
        for (ClientId id : *watchers) {
            HubClient *w = findClient(id);
            if (w && w != &client && (w->caps & Capability::ExtendedMonitor) && (w->caps & cap) && !out.contains(w))
                out.append(w);
        }
    }
    return out;
}

void Hub::monitorAdd(HubClient &watcher, const QByteArray &nick)
{
    const QByteArray key = IrcNames::fold(nick);
    watcher.monitoring.insert(key);
    m_monitors[key].insert(watcher.id);
}

void Hub::monitorRemove(HubClient &watcher, const QByteArray &nick)
{
    const QByteArray key = IrcNames::fold(nick);
    watcher.monitoring.remove(key);
    auto it = m_monitors.find(key);
    if (it != m_monitors.end()) {
        it->remove(watcher.id);
        if (it->isEmpty())
            m_monitors.erase(it);
    }
}

void Hub::monitorClear(HubClient &watcher)
{
    const auto keys = watcher.monitoring;
    for (const QByteArray &key : keys)
        monitorRemove(watcher, key);
}

void Hub::notifyMonitors(const QByteArray &nick, const QByteArray &prefix, bool online)
{
    const auto it = m_monitors.constFind(IrcNames::fold(nick));
    if (it == m_monitors.constEnd())
        return;
    for (ClientId id : *it) {
        if (HubClient *w = findClient(id); w && !w->closing) {
            if (online)
                reply(*w, Numeric::RPL_MONONLINE, {prefix});
            else
                reply(*w, Numeric::RPL_MONOFFLINE, {nick});
        }
    }
}

void Hub::clientRegistered(HubClient &client)
{
    --m_unregistered;
    ++m_registered;
    m_invisible += client.invisible;
    m_opers += client.isOper();
    notifyMonitors(client.nick, client.prefix, true);
    userChanged(client);
}

QList<HubClient *> Hub::peersOf(const HubClient &client, bool includeSelf) const
{
    QList<HubClient *> out;
    if (includeSelf)
        out.append(const_cast<HubClient *>(&client));
    if (client.channels.size() == 1) {
        for (HubClient *c : client.channels.first()->memberClients)
            if (c != &client)
                out.append(c);
        return out;
    }
    QSet<const HubClient *> seen {&client};
    for (const HubChannel *ch : client.channels) {
        for (HubClient *c : ch->memberClients) {
            if (!seen.contains(c)) {
                seen.insert(c);
                out.append(c);
            }
        }
    }
    return out;
}

HubChannel *Hub::channelFor(const QByteArray &name, bool *created)
{
    const QByteArray key = IrcNames::fold(name);
    HubChannel *&channel = m_channels[key];
    *created = false;
    if (!channel) {
        channel = new HubChannel;
        channel->name = name;
        channel->folded = key;
        channel->createdAt = QDateTime::currentSecsSinceEpoch();
        *created = true;
        // A channel that was used before (even before a restart) comes back as it was left.
        if (const auto it = m_dormant.constFind(key); it != m_dormant.cend()) {
            channel->restore(*it);
            m_dormant.erase(it);
        }
    }
    return channel;
}

void Hub::addMember(HubClient &client, HubChannel &channel, bool op)
{
    channel.members.append({&client, op, false});
    channel.invited.removeOne(client.id); // an invitation is good for one join
    channel.memberClients.append(&client);
    client.channels.append(&channel);
}

HubChannel *Hub::joinChannel(HubClient &client, const QByteArray &name)
{
    bool created = false;
    HubChannel *channel = channelFor(name, &created);
    // Whoever creates a channel runs it, as on every IRC network.
    addMember(client, *channel, created);
    if (m_clustered && !client.isRemote() && !m_applying) {
        ClusterEvent e;
        e.type = ClusterEvent::Type::Join;
        e.client = client.id;
        e.channel = channel->name;
        e.op = created;
        publish(std::move(e));
        // What was restored with it (a topic, modes) is the other nodes' too.
        if (created && channel->state().worthKeeping())
            channelChanged(*channel);
    }
    return channel;
}

void Hub::leaveChannel(HubClient &client, HubChannel *channel)
{
    if (m_clustered && !m_applying && !m_detaching) {
        ClusterEvent e;
        e.type = ClusterEvent::Type::Part;
        e.client = client.isRemote() ? client.remoteId : client.id;
        e.target = client.node;
        e.channel = channel->name;
        publish(std::move(e));
    }
    const qsizetype i = channel->indexOf(&client);
    if (i >= 0) {
        channel->members.removeAt(i);
        channel->memberClients.removeAt(i);
    }
    client.channels.removeOne(channel);
    if (channel->members.isEmpty()) {
        const QByteArray key = IrcNames::fold(channel->name);
        m_channels.remove(key);
        if (keepsHistory()) {
            const ChannelState state = channel->state();
            if (state.worthKeeping())
                m_dormant.insert(key, state);
        }
        delete channel;
    }
}

void Hub::addService(const QByteArray &nick, ServiceFn fn) { m_services.insert(IrcNames::fold(nick), std::move(fn)); }

const Hub::ServiceFn *Hub::findService(QByteArrayView nick) const
{
    const auto it = m_services.constFind(IrcNames::fold(nick));
    return it == m_services.constEnd() ? nullptr : &*it;
}

void Hub::claimNick(HubClient &client, const QByteArray &nick, std::function<void(HubClient &, NickClaim)> done)
{
    const quint64 ticket = m_nextTicket++;
    m_claims.insert(ticket, {client.id, std::move(done)});
    client.awaitingCluster = true;
    Q_EMIT nickClaimRequested(client.id, nick, ticket);
}

void Hub::nickClaimAnswered(quint64 ticket, int result)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const PendingClaim claim = m_claims.take(ticket);
    if (!claim.done)
        return;
    const NickClaim answer = NickClaim(result);
    HubClient *client = findClient(claim.client);
    if (!client || client->closing) {
        // Gone meanwhile: a nick it won goes back at once.
        if (answer == NickClaim::Won)
            Q_EMIT nickReleased(claim.client);
        return;
    }
    client->awaitingCluster = false;
    claim.done(*client, answer);
    // Its lines that waited, in order, until the next one that waits again.
    while (!client->awaitingCluster && !client->closing && !client->held.isEmpty())
        handleLine(*client, client->held.takeFirst());
    if (client->closing)
        client->held.clear();
}

void Hub::giveNick(HubClient &client, const QByteArray &nick, std::function<void(HubClient &, bool)> done)
{
    auto take = [this, nick, done = std::move(done)](HubClient &c, NickClaim answer) {
        const bool ok = answer == NickClaim::Won && (c.registered ? changeNick(c, nick) : setNick(c, nick));
        if (done)
            done(c, ok);
    };
    if (m_clustered)
        claimNick(client, nick, std::move(take));
    else
        take(client, NickClaim::Won);
}

bool Hub::setNick(HubClient &client, const QByteArray &nick)
{
    const QByteArray key = IrcNames::fold(nick);
    HubClient *holder = m_nicks.value(key);
    if ((holder && holder != &client) || m_services.contains(key))
        return false;
    if (!client.nick.isEmpty())
        m_nicks.remove(IrcNames::fold(client.nick));
    m_nicks.insert(key, &client);
    client.nick = nick;
    client.updatePrefix();
    return true;
}

bool Hub::changeNick(HubClient &client, const QByteArray &nick)
{
    const QByteArray oldPrefix = client.prefix;
    const QByteArray oldNick = client.nick;
    if (!setNick(client, nick))
        return false;
    for (const auto &hook : std::as_const(m_nickHooks))
        hook(client, oldNick);
    if (client.registered && IrcNames::fold(oldNick) != IrcNames::fold(nick)) {
        notifyMonitors(oldNick, {}, false);
        notifyMonitors(nick, client.prefix, true);
    }
    IrcMessage change("NICK", {nick}, oldPrefix);
    change.trailing = true;
    announceToPeers(client, std::move(change), true, client.account);
    return true;
}

void Hub::announceToPeers(HubClient &client, IrcMessage message, bool includeSelf, const QByteArray &account)
{
    const Stamp stamped = stamp();
    for (HubChannel *channel : client.channels)
        record(*channel, message, stamped);
    OutboundFrame frame(std::move(message));
    frame.setStamp(stamped.msgid, stamped.timeMs);
    frame.setAccount(account);
    deliver(peersOf(client, includeSelf), frame);
}

void Hub::disconnect(HubClient &client, const QByteArray &quitReason)
{
    if (client.closing)
        return;
    if (client.isRemote()) {
        // Its own node disconnects it and tells everyone; until then it is still there.
        ClusterEvent e;
        e.type = ClusterEvent::Type::Kill;
        e.client = client.remoteId;
        e.target = client.node;
        e.reason = quitReason;
        publish(std::move(e));
        return;
    }
    announceQuit(client, quitReason);
    sendClosingLink(client, quitReason);
    detach(client);
    // Whatever the labeled command that ends it has produced goes out before the connection
    // closes.
    if (m_capture.client == &client)
        finishCapture();
    client.closing = true;
    client.closeReason = quitReason;
    m_router->close(client);
}

void Hub::announceQuit(HubClient &client, const QByteArray &reason)
{
    if (!client.registered)
        return; // nobody has seen it yet
    IrcMessage quit("QUIT", {reason}, client.prefix);
    quit.trailing = true;
    announceToPeers(client, std::move(quit), false);
}

void Hub::sendClosingLink(HubClient &client, const QByteArray &reason)
{
    IrcMessage error("ERROR", {"Closing Link: " + client.address + " (" + reason + ")"});
    error.trailing = true;
    send(client, std::move(error));
}

void Hub::detach(HubClient &client)
{
    const auto channels = client.channels;
    const bool wasDetaching = std::exchange(m_detaching, true);
    for (HubChannel *ch : channels)
        leaveChannel(client, ch);
    m_detaching = wasDetaching;
    if (!client.nick.isEmpty() && m_nicks.value(IrcNames::fold(client.nick)) == &client)
        m_nicks.remove(IrcNames::fold(client.nick));
}

Hub::Stamp Hub::stamp()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return {HistoryEvent::makeMsgid(now, m_runId, ++m_msgidCounter), now};
}

void Hub::record(HubChannel &channel, const IrcMessage &message, const Stamp &stamp, const QByteArray &clientTags)
{
    // Another node's change is kept in the shared history by that node.
    if (!keepsHistory() || m_applying)
        return;
    const bool isMessage = message.command == "PRIVMSG" || message.command == "NOTICE";
    if (!isMessage && !m_config->keepsEvent(message.command))
        return;
    channel.usedAtMs = stamp.timeMs;
    HistoryEvent event {stamp.msgid,    stamp.timeMs,   channel.folded, message.command,
                        message.source, message.params, clientTags};
    if (isMessage && m_config->historyPlayback > 0) {
        channel.recent.append(event);
        if (channel.recent.size() > m_config->historyPlayback)
            channel.recent.removeFirst();
    }
    keep(std::move(event));
}

void Hub::recordPrivate(const QByteArray &key, const IrcMessage &message, const Stamp &stamp,
                        const QByteArray &clientTags)
{
    if (keepsHistory())
        keep({stamp.msgid, stamp.timeMs, key, message.command, message.source, message.params, clientTags});
}

void Hub::keep(HistoryEvent &&event)
{
    m_history.add(event);
    // Handed over in batches: every hand-over wakes the storage thread, which under load costs
    // more than the writing. A question (CHATHISTORY) hands over at once.
    if (m_history.size() >= HistoryHandOverEvents)
        flushHistory();
    else if (!m_historyTimer->isActive())
        m_historyTimer->start();
}

void Hub::announce(HubChannel &channel, IrcMessage message, const QByteArray &account)
{
    const Stamp stamped = stamp();
    record(channel, message, stamped);
    OutboundFrame frame(std::move(message));
    frame.setStamp(stamped.msgid, stamped.timeMs);
    frame.setAccount(account);
    deliver(channel.memberClients, frame);
}

void Hub::setAccount(HubClient &client, const QByteArray &account)
{
    client.account = account;
    if (!client.registered)
        return;
    const QList<HubClient *> notified = interestedIn(client, Capability::AccountNotify, true);
    IrcMessage change("ACCOUNT", {account.isEmpty() ? QByteArray("*") : account}, client.prefix);
    OutboundFrame frame(std::move(change));
    frame.setAccount(account);
    deliver(notified, frame);
    userChanged(client);
}

void Hub::changeHost(HubClient &client, const QByteArray &user, const QByteArray &host)
{
    if (user == client.user && host == client.host)
        return;
    const QList<HubClient *> notified = interestedIn(client, Capability::ChgHost, true);
    OutboundFrame frame(IrcMessage("CHGHOST", {user, host}, client.prefix));
    frame.setAccount(client.account);
    deliver(notified, frame);
    client.user = user;
    client.host = host;
    client.updatePrefix();
    userChanged(client);
    reply(client, Numeric::RPL_VISIBLEHOST, {host, "is now your displayed host"});
}

void Hub::clientSecured(ClientId id, const QByteArray &certificate)
{
    if (HubClient *client = findClient(id)) {
        client->tls = true;
        client->certificate = certificate;
    }
}

void Hub::restoreAccounts(const QList<AccountRecord> &accounts)
{
    m_accounts.load(accounts);
    qCInfo(lcServer, "accounts: %lld registered", qlonglong(m_accounts.size()));
}

void Hub::flushHistory()
{
    if (m_historyTimer)
        m_historyTimer->stop();
    const HistoryBatch events = std::exchange(m_history, {});
    if (events.isEmpty())
        return;
    // Never wait for the store: if it is too far behind, these are not recorded (and counted)
    // until it has caught up by half the bound, so that an overload makes episodes, not flicker.
    const bool behind
        = m_historyBehind ? m_backlog->pending() > m_backlog->limit() / 2 : !m_backlog->tryAdd(events.size());
    if (behind) {
        if (!m_historyBehind && (!m_historyLogged.isValid() || m_historyLogged.elapsed() > HistoryLogQuietMs)) {
            qCWarning(lcServer,
                      "history: the database is %lld events behind; new events are not recorded until it "
                      "catches up",
                      m_backlog->pending());
            m_historyLogged.start();
        }
        m_historyBehind = true;
        m_historyDropped += events.size();
        return;
    }
    if (m_historyBehind) {
        m_historyBehind = false;
        if (!m_backlog->tryAdd(events.size())) {
            m_historyDropped += events.size();
            return;
        }
    }
    reportDroppedHistory(false);
    Q_EMIT historyRecorded(events);
}

void Hub::reportDroppedHistory(bool now)
{
    // At most one such line a minute, however the store fares.
    if (m_historyDropped == 0 || (!now && m_historyLogged.isValid() && m_historyLogged.elapsed() <= HistoryLogQuietMs))
        return;
    qCWarning(lcServer, "history: recording; %lld events were not recorded while the database was behind",
              m_historyDropped);
    m_historyDropped = 0;
    m_historyLogged.start();
}

void Hub::channelChanged(const HubChannel &channel)
{
    if (m_clustered && !m_applying) {
        ClusterEvent e;
        e.type = ClusterEvent::Type::Channel;
        e.channel = channel.name;
        e.topic = channel.topic;
        e.topicSetBy = channel.topicSetBy;
        e.topicSetAt = channel.topicSetAt;
        e.modes = QByteArray(channel.topicLocked ? "t" : "") + (channel.moderated ? "m" : "")
                  + (channel.inviteOnly ? "i" : "") + (channel.accountsOnly ? "R" : "") + (channel.secret ? "s" : "")
                  + (channel.privateChannel ? "p" : "") + (channel.noCtcp ? "C" : "");
        e.key = channel.key;
        e.limit = channel.limit;
        auto masks = [](const QList<HubChannel::Ban> &list) {
            QList<QByteArray> out;
            for (const HubChannel::Ban &b : list)
                out.append(b.mask + ' ' + b.setBy + ' ' + QByteArray::number(b.setAt));
            return out;
        };
        e.bans = masks(channel.bans);
        e.exceptions = masks(channel.exceptions);
        e.inviteExceptions = masks(channel.inviteExceptions);
        publish(std::move(e));
    }
    if (!keepsHistory() || m_applying)
        return;
    ChannelState state = channel.state();
    state.recent.clear(); // the store has the messages already
    state.usedAtMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT channelSaved(state);
}

void Hub::restore(const QList<ChannelState> &channels)
{
    for (const ChannelState &state : channels)
        m_dormant.insert(IrcNames::fold(state.name), state);
    if (m_forgetTimer)
        m_forgetTimer->start(ForgetIntervalMs);
}

void Hub::forgetOldChannels()
{
    if (m_config->historyDays <= 0)
        return;
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - qint64(m_config->historyDays) * 86'400'000;
    m_dormant.removeIf([cutoff](const auto &it) { return it.value().usedAtMs < cutoff; });
}

void Hub::publish(ClusterEvent event)
{
    if (m_clustered && !m_applying && !m_shutDown)
        Q_EMIT clusterEventMade(event);
}

void Hub::userChanged(const HubClient &client)
{
    if (!m_clustered || client.isRemote() || !client.registered || client.closing)
        return;
    ClusterEvent e;
    e.type = ClusterEvent::Type::User;
    e.client = client.id;
    e.nick = client.nick;
    e.user = client.user;
    e.host = client.host;
    e.realname = client.realname;
    e.account = client.account;
    e.away = client.away;
    e.modes = client.userModes().mid(1);
    e.caps = client.caps;
    publish(std::move(e));
}

void Hub::memberChanged(const HubChannel &channel, const HubClient &client)
{
    const HubChannel::Member *m = channel.member(&client);
    if (!m_clustered || !m)
        return;
    ClusterEvent e;
    e.type = ClusterEvent::Type::Member;
    e.client = client.isRemote() ? client.remoteId : client.id;
    e.target = client.isRemote() ? client.node : m_config->node;
    e.channel = channel.name;
    e.modes = QByteArray(m->op ? "o" : "") + (m->voice ? "v" : "");
    publish(std::move(e));
}

HubClient *Hub::remoteClient(const QByteArray &node, quint64 id) const
{
    const auto it = m_remote.constFind(node + '/' + QByteArray::number(id));
    return it == m_remote.constEnd() ? nullptr : findClient(*it);
}

HubClient *Hub::subjectOf(const ClusterEvent &event) const
{
    const QByteArray &node = event.subjectNode();
    if (node == m_config->node) {
        HubClient *c = findClient(event.client);
        return c && !c->isRemote() ? c : nullptr;
    }
    return remoteClient(node, event.client);
}

void Hub::clusterEventApplied(const ClusterEvent &event)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_shutDown || !m_clustered)
        return;
    using Type = ClusterEvent::Type;
    if (event.type == Type::Kill) {
        // This node's user, disconnected by an operator of another: this node says so to all.
        if (HubClient *c = subjectOf(event); c && !c->isRemote())
            disconnect(*c, event.reason);
        return;
    }
    const bool wasApplying = std::exchange(m_applying, true);
    switch (event.type) {
    case Type::NickTake:
        if (HubClient *c = remoteClient(event.node, event.client); c && c->nick != event.nick) {
            const QByteArray key = IrcNames::fold(event.nick);
            if (HubClient *holder = m_nicks.value(key); holder && holder != c)
                settleCollision(event.nick);
            if (m_nicks.contains(key)) {
                qCWarning(lcServer, "cluster: %s on node %s took a nick held here", event.nick.constData(),
                          event.node.constData());
                break;
            }
            const QByteArray oldNick = c->nick;
            m_nicks.remove(IrcNames::fold(oldNick));
            m_nicks.insert(key, c);
            c->nick = event.nick;
            c->updatePrefix();
            notifyMonitors(oldNick, {}, false);
            notifyMonitors(c->nick, c->prefix, true);
        }
        break;
    case Type::NickRelease:
        if (HubClient *c = remoteClient(event.node, event.client))
            forgetRemote(*c, nullptr);
        break;
    case Type::NodeLost: {
        QList<HubClient *> lost;
        for (const auto &[id, c] : m_clients)
            if (c->node == event.lost)
                lost.append(c.get());
        const QByteArray reason = "Node " + event.lost + " lost";
        for (HubClient *c : std::as_const(lost))
            forgetRemote(*c, &reason);
        break;
    }
    case Type::User:
        applyUser(event);
        break;
    case Type::Join: {
        HubClient *c = remoteClient(event.node, event.client);
        if (!c)
            break;
        bool created = false;
        HubChannel *channel = channelFor(event.channel, &created);
        if (channel->contains(c))
            break;
        addMember(*c, *channel, event.op);
        if (event.rejoin) {
            // Back after a split: its node cannot tell this node's users (they were not in its
            // list), so this node does, as for any join.
            IrcMessage plain("JOIN", {channel->name}, c->prefix);
            IrcMessage extended(
                "JOIN", {channel->name, c->account.isEmpty() ? QByteArray("*") : c->account, c->realname}, c->prefix);
            extended.trailing = true;
            OutboundFrame plainFrame(std::move(plain)), extendedFrame(std::move(extended));
            QList<HubClient *> toPlain, toExtended;
            for (HubClient *m : std::as_const(channel->memberClients))
                if (m != c)
                    ((m->caps & Capability::ExtendedJoin) ? toExtended : toPlain).append(m);
            deliver(toPlain, plainFrame);
            deliver(toExtended, extendedFrame);
        }
        break;
    }
    case Type::Part: {
        HubClient *c = subjectOf(event);
        HubChannel *channel = findChannel(event.channel);
        if (c && channel && channel->contains(c))
            leaveChannel(*c, channel);
        break;
    }
    case Type::Channel:
        applyChannel(event);
        break;
    case Type::Member: {
        HubClient *c = subjectOf(event);
        HubChannel *channel = findChannel(event.channel);
        if (HubChannel::Member *m = c && channel ? channel->member(c) : nullptr) {
            m->op = event.modes.contains('o');
            m->voice = event.modes.contains('v');
        }
        break;
    }
    case Type::Account:
    case Type::Kill:
        break;
    }
    m_applying = wasApplying;
}

void Hub::applyUser(const ClusterEvent &e)
{
    HubClient *c = remoteClient(e.node, e.client);
    if (!c) {
        const QByteArray key = IrcNames::fold(e.nick);
        if (m_nicks.contains(key))
            settleCollision(e.nick);
        if (m_nicks.contains(key) || m_services.contains(key)) {
            // The registry gave the nick to that node; this hub disagrees (it was applied out of
            // order). Its user is not shown here rather than shown twice.
            qCWarning(lcServer, "cluster: user %s of node %s not added: the nick is held here", e.nick.constData(),
                      e.node.constData());
            return;
        }
        auto owned = std::make_unique<HubClient>();
        c = owned.get();
        c->id = m_nextRemoteId++;
        c->node = e.node;
        c->remoteId = e.client;
        c->registered = true;
        c->nick = e.nick;
        c->signonTime = QDateTime::currentSecsSinceEpoch();
        c->connectedMs = c->lastMessageMs = m_clock.elapsed();
        m_clients.emplace(c->id, std::move(owned));
        m_remote.insert(e.node + '/' + QByteArray::number(e.client), c->id);
        m_nicks.insert(key, c);
        ++m_registered;
        ++m_remoteCount;
        ++m_remoteByNode[e.node];
    }
    const bool wasInvisible = c->invisible, wasOper = c->isOper();
    c->user = e.user;
    c->host = c->address = e.host;
    c->realname = e.realname;
    c->account = e.account;
    c->away = e.away;
    c->caps = Capability::Mask(e.caps);
    c->invisible = e.modes.contains('i');
    c->operName = e.modes.contains('o') ? QByteArray("*") : QByteArray();
    c->wallops = e.modes.contains('w');
    c->bot = e.modes.contains('B');
    const bool added = c->prefix.isEmpty();
    c->updatePrefix();
    m_invisible += int(c->invisible) - int(wasInvisible && !added);
    m_opers += int(c->isOper()) - int(wasOper && !added);
    if (added)
        notifyMonitors(c->nick, c->prefix, true);
}

void Hub::applyChannel(const ClusterEvent &e)
{
    HubChannel *channel = findChannel(e.channel);
    if (!channel)
        return; // nobody is in it as far as this node knows; its creator sends it again
    channel->topic = e.topic;
    channel->topicSetBy = e.topicSetBy;
    channel->topicSetAt = e.topicSetAt;
    channel->topicLocked = e.modes.contains('t');
    channel->moderated = e.modes.contains('m');
    channel->inviteOnly = e.modes.contains('i');
    channel->accountsOnly = e.modes.contains('R');
    channel->secret = e.modes.contains('s');
    channel->privateChannel = e.modes.contains('p');
    channel->noCtcp = e.modes.contains('C');
    channel->key = e.key;
    channel->limit = e.limit;
    auto masks = [](const QList<QByteArray> &list) {
        QList<HubChannel::Ban> out;
        for (const QByteArray &entry : list) {
            const QList<QByteArray> parts = entry.split(' ');
            out.append({parts.value(0), parts.value(1), parts.value(2).toLongLong()});
        }
        return out;
    };
    channel->bans = masks(e.bans);
    channel->exceptions = masks(e.exceptions);
    channel->inviteExceptions = masks(e.inviteExceptions);
}

void Hub::forgetRemote(HubClient &client, const QByteArray *quitReason)
{
    if (quitReason)
        announceQuit(client, *quitReason); // to this node's users: m_applying holds
    detach(client);
    for (const auto &hook : std::as_const(m_goneHooks))
        hook(client);
    notifyMonitors(client.nick, {}, false);
    --m_registered;
    m_invisible -= client.invisible;
    m_opers -= client.isOper();
    m_remote.remove(client.node + '/' + QByteArray::number(client.remoteId));
    --m_remoteCount;
    if (auto it = m_remoteByNode.find(client.node); it != m_remoteByNode.end() && --*it <= 0)
        m_remoteByNode.erase(it);
    m_clients.erase(client.id);
}

void Hub::clusterFrameArrived(const ClusterFrame &relayed)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_shutDown)
        return;
    QList<HubClient *> recipients;
    recipients.reserve(relayed.recipients.size());
    for (quint64 id : relayed.recipients) {
        HubClient *c = findClient(id);
        if (c && !c->isRemote() && !c->closing)
            recipients.append(c);
    }
    if (recipients.isEmpty())
        return;
    IrcMessage message = relayed.message;
    QList<IrcTag> clientTags;
    QByteArray msgid, account;
    qint64 timeMs = -1;
    bool bot = false;
    for (const IrcTag &tag : std::as_const(message.tags)) {
        if (tag.key == "time") {
            const QDateTime at = QDateTime::fromString(QString::fromLatin1(tag.value), Qt::ISODateWithMs);
            if (at.isValid())
                timeMs = at.toMSecsSinceEpoch();
        } else if (tag.key == "msgid") {
            msgid = tag.value;
        } else if (tag.key == "account") {
            account = tag.value;
        } else if (tag.key == "bot") {
            bot = true;
        } else {
            clientTags.append(tag);
        }
    }
    message.tags.clear();
    OutboundFrame frame(std::move(message), std::move(clientTags));
    if (timeMs >= 0)
        frame.setStamp(msgid, timeMs);
    frame.setAccount(account);
    frame.setBot(bot);
    m_router->deliver(recipients, frame);
}

bool Hub::reaches(const HubChannel &channel) const
{
    if (clusterReachable())
        return true;
    for (const HubClient *c : channel.memberClients)
        if (c->isRemote())
            return false;
    return true;
}

void Hub::settleCollision(const QByteArray &nick)
{
    HubClient *holder = findNick(nick);
    if (!holder)
        return;
    if (holder->isRemote()) {
        // Two users of other nodes: the one the registry did not name goes from this hub's copy
        // (its own node settles it).
        forgetRemote(*holder, nullptr);
        return;
    }
    qCWarning(lcServer, "cluster: nick collision on %s after a split: this node's user is disconnected",
              nick.constData());
    const bool wasApplying = std::exchange(m_applying, false); // everyone is told it quit
    disconnect(*holder, "Nick collision");
    m_applying = wasApplying;
}

void Hub::clusterAvailable(bool available)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_shutDown || m_clusterUp == available)
        return;
    m_clusterUp = available;
    const QByteArray text = available ? "*** Notice -- The cluster is reachable again (Redis is back)"
                                      : "*** Notice -- The cluster is unreachable (Redis is away): new nicks, joins of "
                                        "shared channels and messages to other nodes are refused until it is back";
    noticeOperators(text);
}

void Hub::noticeOperators(const QByteArray &text)
{
    for (const auto &[id, c] : m_clients) {
        if (c->isOper() && !c->isRemote() && !c->closing) {
            IrcMessage notice("NOTICE", {c->nick, text}, m_config->name);
            notice.trailing = true;
            send(*c, std::move(notice));
        }
    }
}

void Hub::storeAvailable(bool available)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_shutDown)
        return;
    noticeOperators(available ? "*** Notice -- The database is written to again; what was held meanwhile is kept"
                              : "*** Notice -- The database cannot be written to: chat goes on, history is held in "
                                "memory until it is back");
}

void Hub::clusterResync(bool streamLost)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_shutDown)
        return;
    if (streamLost) {
        // Every other node's users went with the stream: they quit here, and come back as their
        // nodes join again.
        const bool wasApplying = std::exchange(m_applying, true);
        QList<HubClient *> remote;
        for (const auto &[id, c] : m_clients)
            if (c->isRemote())
                remote.append(c.get());
        const QByteArray reason = "Network split";
        for (HubClient *c : std::as_const(remote))
            forgetRemote(*c, &reason);
        m_applying = wasApplying;
    }
    QList<ClientId> local;
    for (const auto &[id, c] : m_clients)
        if (!c->isRemote() && c->registered && !c->closing)
            local.append(id);
    std::sort(local.begin(), local.end()); // the oldest connections claim first
    for (ClientId id : std::as_const(local)) {
        HubClient *c = findClient(id);
        claimNick(*c, c->nick, [this](HubClient &client, NickClaim answer) {
            if (answer == NickClaim::Won)
                rejoin(client);
            else if (answer == NickClaim::Taken)
                disconnect(client, "Nick collision");
            // Unavailable: Redis went again; the next resync claims it.
        });
    }
}

void Hub::rejoin(HubClient &client)
{
    userChanged(client);
    for (HubChannel *channel : std::as_const(client.channels)) {
        const HubChannel::Member *m = channel->member(&client);
        ClusterEvent e;
        e.type = ClusterEvent::Type::Join;
        e.client = client.id;
        e.channel = channel->name;
        e.op = m && m->op;
        e.rejoin = true;
        publish(std::move(e));
        if (m && m->voice)
            memberChanged(*channel, client);
        channelChanged(*channel);
    }
}
