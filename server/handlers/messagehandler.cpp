// SPDX-License-Identifier: MIT
#include "messagehandler.h"

#include "hub/hub.h"
#include "hub/outboundframe.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"
#include "storage/historykey.h"

#include <QDateTime>

namespace {
constexpr int MaxTargets = 4;

QList<IrcTag> clientOnlyTags(const IrcMessage &msg)
{
    QList<IrcTag> out;
    for (const IrcTag &t : msg.tags)
        if (t.key.startsWith('+'))
            out.append(t);
    return out;
}

// The client tags worth keeping in history, serialised: not the ones about the moment (typing).
QByteArray keptTags(const QList<IrcTag> &tags)
{
    QByteArray out;
    for (const IrcTag &t : tags) {
        if (t.key == "+typing" || t.key == "+draft/typing")
            continue;
        if (!out.isEmpty())
            out += ';';
        out += t.key;
        if (!t.value.isEmpty())
            out += '=' + IrcMessage::escapeTagValue(t.value);
    }
    return out;
}
} // namespace

MessageHandler::MessageHandler(Hub &hub)
    : CommandHandler(hub)
{
    using namespace std::placeholders;
    const auto relay = std::bind(&MessageHandler::relay, this, _1, _2);
    hub.addCommand("PRIVMSG", 0, true, relay);
    hub.addCommand("NOTICE", 0, true, relay);
    hub.addCommand("TAGMSG", 0, true, relay);
    hub.addCommand("AWAY", 0, true, std::bind(&MessageHandler::away, this, _1, _2));
    hub.addCommand("SETNAME", 1, true, std::bind(&MessageHandler::setName, this, _1, _2));
}

void MessageHandler::setName(HubClient &client, const IrcMessage &msg)
{
    const QByteArray &name = msg.params.at(0);
    if (name.isEmpty() || name.size() > MaxRealNameBytes) {
        IrcMessage fail("FAIL", {"SETNAME", "INVALID_REALNAME",
                                 "Real names are 1 to " + QByteArray::number(MaxRealNameBytes) + " bytes"});
        fail.trailing = true;
        m_hub.send(client, std::move(fail));
        return;
    }
    client.realname = name;
    const QList<HubClient *> told = m_hub.interestedIn(client, Capability::SetName, true);
    IrcMessage change("SETNAME", {name}, client.prefix);
    change.trailing = true;
    OutboundFrame frame(std::move(change));
    frame.setAccount(client.account);
    m_hub.deliver(told, frame);
}

void MessageHandler::relay(HubClient &client, const IrcMessage &msg)
{
    const bool isNotice = msg.command == "NOTICE";
    const bool isTagmsg = msg.command == "TAGMSG";
    // NOTICE must never trigger an automatic reply (RFC 2812 3.3.2), errors included.
    auto error = [&](int numeric, QList<QByteArray> params) {
        if (!isNotice)
            m_hub.reply(client, numeric, std::move(params));
    };
    if (msg.params.isEmpty() || msg.params.at(0).isEmpty()) {
        error(Numeric::ERR_NORECIPIENT, {"No recipient given (" + msg.command + ")"});
        return;
    }
    if (!isTagmsg && (msg.params.size() < 2 || msg.params.at(1).isEmpty())) {
        error(Numeric::ERR_NOTEXTTOSEND, {"No text to send"});
        return;
    }
    client.lastMessageMs = QDateTime::currentMSecsSinceEpoch();
    const QList<IrcTag> tags = clientOnlyTags(msg);
    if (isTagmsg && tags.isEmpty())
        return;

    const QList<QByteArray> targets = msg.params.at(0).split(',');
    for (qsizetype i = 0; i < targets.size(); ++i) {
        const QByteArray &target = targets.at(i);
        if (i >= MaxTargets) {
            error(Numeric::ERR_NOSUCHNICK, {target, "Too many targets"});
            continue;
        }
        QList<HubClient *> recipients;
        const HubClient *except = nullptr;
        QByteArray shownTarget;
        HubClient *peer = nullptr;
        HubChannel *channel = nullptr;
        // STATUSMSG: "@#chan" reaches the channel's operators, "+#chan" its voiced members too.
        const char status = (target.startsWith('@') || target.startsWith('+')) && target.size() > 1 ? target.at(0) : 0;
        const QByteArray channelTarget = status ? target.mid(1) : target;
        if (IrcNames::isChannel(channelTarget)) {
            channel = m_hub.findChannel(channelTarget);
            if (!channel) {
                error(Numeric::ERR_NOSUCHCHANNEL, {target, "No such channel"});
                continue;
            }
            // Channels are +n: only members speak in them. With +m only operators and voiced
            // members do, and a banned member is silenced unless voiced.
            const HubChannel::Member *self = channel->member(&client);
            const bool privileged = self && (self->op || self->voice);
            if (!self || (channel->moderated && !privileged) || (!privileged && channel->isBanned(client))) {
                error(Numeric::ERR_CANNOTSENDTOCHAN, {channel->name, "Cannot send to channel"});
                continue;
            }
            // +C: no CTCP but ACTION (a /me).
            if (channel->noCtcp && !isTagmsg && msg.params.at(1).startsWith('\x01')
                && !msg.params.at(1).startsWith("\x01"
                                                "ACTION ")) {
                error(Numeric::ERR_CANNOTSENDTOCHAN, {channel->name, "Cannot send CTCP to channel (+C)"});
                continue;
            }
            shownTarget = status ? status + channel->name : channel->name;
            if (!status && !isTagmsg) {
                // Everyone in the channel: its own list, shared, the sender left out by the router.
                recipients = channel->memberClients;
                if (!(client.caps & Capability::EchoMessage))
                    except = &client;
            } else {
                recipients.reserve(channel->memberClients.size());
                for (const HubChannel::Member &m : channel->members) {
                    if (status == '@' && !m.op)
                        continue;
                    if (status == '+' && !m.op && !m.voice)
                        continue;
                    if (m.client != &client || (client.caps & Capability::EchoMessage))
                        recipients.append(m.client);
                }
            }
        } else {
            if (const Hub::ServiceFn *service = m_hub.findService(target)) {
                // Services answer PRIVMSG; a NOTICE is never answered, as RFC 1459 asks.
                if (msg.command == "PRIVMSG")
                    (*service)(client, msg.params.at(1));
                continue;
            }
            peer = m_hub.findNick(target);
            if (!peer || !peer->registered) {
                error(Numeric::ERR_NOSUCHNICK, {target, "No such nick/channel"});
                continue;
            }
            if (peer->isRemote() && !m_hub.clusterReachable()) {
                // Not queued to arrive late and out of order (docs/cluster.md).
                error(Numeric::ERR_UNAVAILRESOURCE,
                      {peer->nick, "Nick/channel is temporarily unavailable (the cluster is unreachable)"});
                continue;
            }
            shownTarget = peer->nick;
            recipients.append(peer);
            if (peer != &client && (client.caps & Capability::EchoMessage))
                recipients.append(&client);
            if (!peer->away.isEmpty() && msg.command == "PRIVMSG")
                m_hub.reply(client, Numeric::RPL_AWAY, {peer->nick, peer->away});
        }
        if (isTagmsg) {
            // TAGMSG is nothing but tags: only message-tags clients can receive it at all.
            recipients.removeIf([](const HubClient *c) { return !(c->caps & Capability::MessageTags); });
        }
        // The parameters made at once: appending the text after reallocated the list per message.
        IrcMessage out(msg.command,
                       isTagmsg ? QList<QByteArray> {shownTarget} : QList<QByteArray> {shownTarget, msg.params.at(1)},
                       client.prefix);
        out.trailing = !isTagmsg;
        const Hub::Stamp stamp = m_hub.stamp();
        if (!isTagmsg) {
            // A private message is kept once for each side, each reading only its own copy.
            const QByteArray kept = keptTags(tags);
            if (channel && status) {
                // For some members only: not in the channel's history, which every member reads.
            } else if (channel) {
                m_hub.record(*channel, out, stamp, kept);
            } else {
                m_hub.recordPrivate(HistoryKey::privateOf(HistoryKey::owner(client.nick, client.account), peer->nick),
                                    out, stamp, kept);
                if (peer != &client)
                    m_hub.recordPrivate(
                        HistoryKey::privateOf(HistoryKey::owner(peer->nick, peer->account), client.nick), out, stamp,
                        kept);
            }
        }
        OutboundFrame frame(std::move(out), tags);
        frame.setStamp(stamp.msgid, stamp.timeMs);
        frame.setAccount(client.account);
        frame.setBot(client.bot);
        m_hub.deliver(recipients, frame, except);
    }
}

void MessageHandler::away(HubClient &client, const IrcMessage &msg)
{
    const QByteArray text = msg.param(0).left(IrcNames::AwayLen);
    const bool changed = client.away != text;
    client.away = text;
    if (text.isEmpty())
        m_hub.reply(client, Numeric::RPL_UNAWAY, {"You are no longer marked as being away"});
    else
        m_hub.reply(client, Numeric::RPL_NOWAWAY, {"You have been marked as being away"});
    if (!changed)
        return;
    IrcMessage notify("AWAY", {}, client.prefix);
    if (!text.isEmpty()) {
        notify.params.append(text);
        notify.trailing = true;
    }
    const QList<HubClient *> peers = m_hub.interestedIn(client, Capability::AwayNotify, false);
    OutboundFrame frame(std::move(notify));
    m_hub.deliver(peers, frame);
    m_hub.userChanged(client);
}
