// SPDX-License-Identifier: MIT
#include "registrationhandler.h"

#include "channelhandler.h"
#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "hub/channelmodes.h"
#include "hub/hub.h"
#include "hub/outboundframe.h"
#include "infohandler.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"

#include <QDateTime>

RegistrationHandler::RegistrationHandler(Hub &hub, ChannelHandler &channels, InfoHandler &info)
    : CommandHandler(hub)
    , m_channels(channels)
    , m_info(info)
{
    using namespace std::placeholders;
    hub.addCommand("CAP", 1, false, std::bind(&RegistrationHandler::cap, this, _1, _2));
    hub.addCommand("PASS", 1, false, std::bind(&RegistrationHandler::pass, this, _1, _2));
    hub.addCommand("NICK", 0, false, std::bind(&RegistrationHandler::nick, this, _1, _2));
    hub.addCommand("USER", 4, false, std::bind(&RegistrationHandler::user, this, _1, _2));
    hub.addCommand("QUIT", 0, false, std::bind(&RegistrationHandler::quit, this, _1, _2));
    hub.addCommand("PING", 0, false, std::bind(&RegistrationHandler::ping, this, _1, _2));
    hub.addCommand("PONG", 0, false, [](HubClient &, const IrcMessage &) {});
    hub.addCommand("MOTD", 0, true, [this](HubClient &c, const IrcMessage &) { sendMotd(c); });
}

void RegistrationHandler::cap(HubClient &client, const IrcMessage &msg)
{
    const QByteArray sub = msg.params.at(0).toUpper();
    const QByteArray nick = client.displayNick();
    if (sub == "LS") {
        // Registration waits for CAP END once a client shows it speaks CAP (CAP 302).
        if (!client.registered)
            client.capNegotiating = true;
        client.capVersion = std::max(client.capVersion, msg.param(1).toInt());
        m_hub.send(client, IrcMessage("CAP", {nick, "LS", Capability::names(offered(), client.capVersion >= 302)}));
    } else if (sub == "LIST") {
        m_hub.send(client, IrcMessage("CAP", {nick, "LIST", Capability::names(client.caps)}));
    } else if (sub == "REQ") {
        if (!client.registered)
            client.capNegotiating = true;
        const QByteArray requested = msg.param(1);
        Capability::Mask add = 0, remove = 0;
        bool ok = true;
        for (const QByteArray &word : requested.split(' ')) {
            if (word.isEmpty())
                continue;
            const bool minus = word.startsWith('-');
            const Capability::Flag flag = Capability::fromName(minus ? word.mid(1) : word);
            if (flag == Capability::None || !(offered() & flag)) {
                ok = false;
                break;
            }
            (minus ? remove : add) |= flag;
        }
        // All or nothing, as CAP requires.
        if (ok) {
            client.caps = (client.caps | add) & ~remove;
            IrcMessage ack("CAP", {nick, "ACK", requested});
            ack.trailing = true;
            m_hub.send(client, std::move(ack));
            m_hub.userChanged(client);
        } else {
            IrcMessage nak("CAP", {nick, "NAK", requested});
            nak.trailing = true;
            m_hub.send(client, std::move(nak));
        }
    } else if (sub == "END") {
        if (!client.registered) {
            client.capNegotiating = false;
            if (m_capEnd)
                m_capEnd(client);
            tryComplete(client);
        }
    } else {
        m_hub.reply(client, Numeric::ERR_INVALIDCAPCMD, {msg.params.at(0), "Invalid CAP command"});
    }
}

Capability::Mask RegistrationHandler::offered() const
{
    return Capability::offered(m_hub.config().history, m_hub.config().registrationOpen);
}

void RegistrationHandler::pass(HubClient &client, const IrcMessage &msg)
{
    if (client.registered) {
        m_hub.reply(client, Numeric::ERR_ALREADYREGISTERED, {"You may not reregister"});
        return;
    }
    client.password = msg.params.at(0);
}

void RegistrationHandler::nick(HubClient &client, const IrcMessage &msg)
{
    const QByteArray wanted = msg.param(0);
    if (wanted.isEmpty()) {
        m_hub.reply(client, Numeric::ERR_NONICKNAMEGIVEN, {"No nickname given"});
        return;
    }
    if (!IrcNames::isValidNick(wanted, m_hub.config().nickLen)) {
        m_hub.reply(client, Numeric::ERR_ERRONEUSNICKNAME, {wanted, "Erroneous nickname"});
        return;
    }
    if (wanted == client.nick)
        return;
    if (m_hub.isClustered()) {
        // Taken here already: no need to ask the other nodes.
        const HubClient *holder = m_hub.findNick(wanted);
        if ((holder && holder != &client) || m_hub.findService(wanted)) {
            m_hub.reply(client, Numeric::ERR_NICKNAMEINUSE, {wanted, "Nickname is already in use"});
            return;
        }
        m_hub.claimNick(client, wanted, [this, wanted](HubClient &c, Hub::NickClaim answer) {
            if (answer == Hub::NickClaim::Won)
                takeNick(c, wanted);
            else if (answer == Hub::NickClaim::Taken)
                m_hub.reply(c, Numeric::ERR_NICKNAMEINUSE, {wanted, "Nickname is already in use"});
            else
                m_hub.reply(c, Numeric::ERR_UNAVAILRESOURCE, {wanted, "Nick/channel is temporarily unavailable"});
        });
        return;
    }
    takeNick(client, wanted);
}

void RegistrationHandler::takeNick(HubClient &client, const QByteArray &wanted)
{
    const bool taken = client.registered ? m_hub.changeNick(client, wanted) : m_hub.setNick(client, wanted);
    if (!taken) {
        m_hub.reply(client, Numeric::ERR_NICKNAMEINUSE, {wanted, "Nickname is already in use"});
        return;
    }
    if (client.registered) {
        if (m_nickTaken)
            m_nickTaken(client);
    } else {
        tryComplete(client);
    }
}

void RegistrationHandler::user(HubClient &client, const IrcMessage &msg)
{
    if (client.registered || !client.user.isEmpty()) {
        m_hub.reply(client, Numeric::ERR_ALREADYREGISTERED, {"You may not reregister"});
        return;
    }
    if (msg.params.at(0).isEmpty() || msg.params.at(3).isEmpty()) {
        m_hub.reply(client, Numeric::ERR_NEEDMOREPARAMS, {"USER", "Not enough parameters"});
        return;
    }
    // A username is shown in every hostmask: printable ASCII without the mask's own separators.
    // One with nothing usable left (emoji only, say) is accepted as "user" rather than refused,
    // so that no client is left waiting for a welcome that never comes.
    QByteArray user;
    for (char c : msg.params.at(0)) {
        if (c != '@' && c != '!' && c > ' ' && c < 0x7f && c != ':')
            user.append(c);
    }
    if (user.isEmpty())
        user = "user";
    // A local user's login name is known and verified (the kernel's answer, as identd gives
    // it): that is the username. Anyone else's is their claim, marked with '~' as ircds do.
    if (!client.localUser.isEmpty())
        client.user = client.localUser.left(IrcNames::UserLen);
    else
        client.user = '~' + user.left(IrcNames::UserLen - 1);
    client.realname = msg.params.at(3);
    if (!client.nick.isEmpty())
        client.updatePrefix();
    tryComplete(client);
}

void RegistrationHandler::quit(HubClient &client, const IrcMessage &msg)
{
    const QByteArray reason = msg.params.isEmpty() ? QByteArray("Client Quit") : "Quit: " + msg.params.at(0);
    m_hub.disconnect(client, reason);
    client.closeReason = "Quit"; // what the user wrote is theirs, not the log's
}

void RegistrationHandler::ping(HubClient &client, const IrcMessage &msg)
{
    if (msg.params.isEmpty() || msg.params.at(0).isEmpty()) {
        m_hub.reply(client, Numeric::ERR_NOORIGIN, {"No origin specified"});
        return;
    }
    IrcMessage pong("PONG", {m_hub.config().name, msg.params.at(0)});
    pong.trailing = true;
    m_hub.send(client, std::move(pong));
}

void RegistrationHandler::tryComplete(HubClient &client)
{
    if (client.registered || client.closing || client.nick.isEmpty() || client.user.isEmpty() || client.capNegotiating
        || client.authPending)
        return;
    const ServerConfig &config = m_hub.config();
    if (!config.password.isEmpty() && client.password != config.password) {
        m_hub.reply(client, Numeric::ERR_PASSWDMISMATCH, {"Password incorrect"});
        m_hub.disconnect(client, "Bad password");
        return;
    }
    client.registered = true;
    m_hub.clientRegistered(client);
    client.updatePrefix();
    qCInfo(lcServer, "registered #%llu as %s", qulonglong(client.id), client.prefix.constData());
    welcome(client);
    if (m_nickTaken)
        m_nickTaken(client);
    if (!config.autojoin.isEmpty())
        m_channels.join(client, config.autojoin);
}

void RegistrationHandler::welcome(HubClient &client)
{
    const ServerConfig &config = m_hub.config();
    const QByteArray version = "confab-" CONFAB_VERSION;
    m_hub.reply(client, Numeric::RPL_WELCOME, {"Welcome to the " + config.network + " IRC Network " + client.prefix});
    m_hub.reply(client, Numeric::RPL_YOURHOST, {"Your host is " + config.name + ", running version " + version});
    m_hub.reply(client, Numeric::RPL_CREATED, {"This server was created " + config.createdAt});
    IrcMessage info(Numeric::code(Numeric::RPL_MYINFO),
                    {client.nick, config.name, version, "Biow", ChannelModes::all(), ChannelModes::withParameter()},
                    config.name);
    m_hub.send(client, std::move(info));

    m_info.sendIsupport(client);
    m_info.sendLusers(client);
    sendMotd(client);
}

void RegistrationHandler::sendMotd(HubClient &client)
{
    const ServerConfig &config = m_hub.config();
    if (!config.hasMotd) {
        m_hub.reply(client, Numeric::ERR_NOMOTD, {"MOTD File is missing"});
        return;
    }
    m_hub.reply(client, Numeric::RPL_MOTDSTART, {"- " + config.name + " Message of the day - "});
    for (const QByteArray &line : config.motd)
        m_hub.reply(client, Numeric::RPL_MOTD, {"- " + line});
    m_hub.reply(client, Numeric::RPL_ENDOFMOTD, {"End of /MOTD command."});
}
