#include "hub.h"

#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "outboundframe.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"
#include "router.h"

#include <QDateTime>
#include <QThread>
#include <QTimer>

Hub::Hub(std::shared_ptr<const ServerConfig> config, std::unique_ptr<Router> router, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_router(std::move(router))
    , m_registrationTimer(new QTimer(this)) // a child: it moves to the hub's thread with it
{
    m_clock.start();
    // Checked a few times per timeout, at most once a second: expiry need not be exact.
    m_registrationTimer->setInterval(std::clamp(m_config->registrationTimeoutMs / 4, 20, 1000));
    connect(m_registrationTimer, &QTimer::timeout, this, &Hub::checkRegistrationTimeouts);
}

Hub::~Hub() { qDeleteAll(m_channels); }

void Hub::addCommand(const QByteArray &name, int minParams, bool needsRegistration, CommandFn fn)
{
    m_commands.insert(name, {minParams, needsRegistration, std::move(fn)});
}

void Hub::clientConnected(ClientId id, HostLink *route, const QHostAddress &address, quint16 port)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_shutDown)
        return;
    auto client = std::make_unique<HubClient>();
    client->id = id;
    client->route = route;
    QByteArray text = address.toString().toLatin1();
    // A hostmask must not start with ':' (it would end the parameter list), nor hold '%' scope.
    if (const qsizetype pct = text.indexOf('%'); pct >= 0)
        text.truncate(pct);
    if (text.startsWith(':'))
        text.prepend('0');
    client->address = text;
    client->port = port;
    client->signonTime = QDateTime::currentSecsSinceEpoch();
    client->connectedMs = m_clock.elapsed();
    HubClient &added = *client;
    m_clients.emplace(id, std::move(client));
    qCInfo(lcServer, "connect #%llu from %s port %u", qulonglong(id), added.address.constData(), unsigned(port));
    if (!m_registrationTimer->isActive())
        m_registrationTimer->start();

    const int fromHere = ++m_perAddress[added.address];
    if (m_config->maxPerIp > 0 && fromHere > m_config->maxPerIp && !m_config->isExempt(address)) {
        qCInfo(lcServer, "refused #%llu: more than %d connections from %s", qulonglong(id), m_config->maxPerIp,
                  added.address.constData());
        sendClosingLink(added, "Too many connections from your address (at most "
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
    for (const InboundLine &line : lines) {
        if (client.closing)
            return;
        handleLine(client, line);
    }
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
        IrcMessage fail("FAIL", {line.message.command, "INVALID_UTF8", "Message rejected: this server accepts only UTF-8 text"});
        fail.trailing = true;
        send(client, std::move(fail));
        return;
    }
    case InboundLine::Error::None:
        break;
    }
    const IrcMessage &msg = line.message;
    const auto cmd = m_commands.constFind(msg.command);
    if (cmd == m_commands.cend()) {
        if (client.registered)
            reply(client, Numeric::ERR_UNKNOWNCOMMAND, {msg.command, "Unknown command"});
        else
            reply(client, Numeric::ERR_NOTREGISTERED, {"You have not registered"});
        return;
    }
    if (cmd->needsRegistration && !client.registered) {
        reply(client, Numeric::ERR_NOTREGISTERED, {"You have not registered"});
        return;
    }
    if (msg.params.size() < cmd->minParams) {
        reply(client, Numeric::ERR_NEEDMOREPARAMS, {msg.command, "Not enough parameters"});
        return;
    }
    cmd->fn(client, msg);
}

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
    HostLink *route = client.route;
    if (auto count = m_perAddress.find(client.address); count != m_perAddress.end() && --*count <= 0)
        m_perAddress.erase(count);
    m_clients.erase(it);
    // Only now may the thread policy retire the thread: nothing routes to this client any more.
    Q_EMIT routeReleased(route);
}

void Hub::shutdown(const QByteArray &reason)
{
    m_shutDown = true;
    m_registrationTimer->stop(); // here, in the hub's thread: the hub is deleted from another
    for (auto &[id, client] : m_clients) {
        if (client->closing)
            continue;
        sendClosingLink(*client, reason);
        client->closing = true;
        m_router->close(*client);
    }
    m_clients.clear();
    m_perAddress.clear();
    m_nicks.clear();
    qDeleteAll(m_channels);
    m_channels.clear();
}

QList<Hub::ClientSummary> Hub::clientSummaries() const
{
    QList<ClientSummary> out;
    for (const auto &[id, c] : m_clients)
        if (!c->closing)
            out.append({id, c->nick, c->address, c->port, c->signonTime});
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
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

HubChannel *Hub::findChannel(QByteArrayView name) const { return m_channels.value(IrcNames::fold(name)); }

QList<HubClient *> Hub::registeredClients() const
{
    QList<HubClient *> out;
    out.reserve(m_nicks.size());
    for (HubClient *c : m_nicks)
        if (c->registered)
            out.append(c);
    return out;
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

void Hub::deliver(const QList<HubClient *> &recipients, OutboundFrame &frame)
{
    if (!recipients.isEmpty())
        m_router->deliver(recipients, frame);
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
    QSet<const HubClient *> seen{&client};
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

HubChannel *Hub::joinChannel(HubClient &client, const QByteArray &name)
{
    const QByteArray key = IrcNames::fold(name);
    HubChannel *&channel = m_channels[key];
    bool created = false;
    if (!channel) {
        channel = new HubChannel;
        channel->name = name;
        channel->createdAt = QDateTime::currentSecsSinceEpoch();
        created = true;
    }
    // Whoever creates a channel runs it, as on every IRC network.
    channel->members.append({&client, created, false});
    channel->invited.removeOne(client.id); // an invitation is good for one join
    channel->memberClients.append(&client);
    client.channels.append(channel);
    return channel;
}

void Hub::leaveChannel(HubClient &client, HubChannel *channel)
{
    const qsizetype i = channel->indexOf(&client);
    if (i >= 0) {
        channel->members.removeAt(i);
        channel->memberClients.removeAt(i);
    }
    client.channels.removeOne(channel);
    if (channel->members.isEmpty()) {
        m_channels.remove(IrcNames::fold(channel->name));
        delete channel;
    }
}

bool Hub::setNick(HubClient &client, const QByteArray &nick)
{
    const QByteArray key = IrcNames::fold(nick);
    HubClient *holder = m_nicks.value(key);
    if (holder && holder != &client)
        return false;
    if (!client.nick.isEmpty())
        m_nicks.remove(IrcNames::fold(client.nick));
    m_nicks.insert(key, &client);
    client.nick = nick;
    client.updatePrefix();
    return true;
}

void Hub::disconnect(HubClient &client, const QByteArray &quitReason)
{
    if (client.closing)
        return;
    announceQuit(client, quitReason);
    sendClosingLink(client, quitReason);
    detach(client);
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
    OutboundFrame frame(std::move(quit));
    deliver(peersOf(client, false), frame);
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
    for (HubChannel *ch : channels)
        leaveChannel(client, ch);
    if (!client.nick.isEmpty() && m_nicks.value(IrcNames::fold(client.nick)) == &client)
        m_nicks.remove(IrcNames::fold(client.nick));
}
