// SPDX-License-Identifier: MIT
#include "modehandler.h"

#include "hub/channelmodes.h"
#include "hub/hub.h"
#include "hub/outboundframe.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"

#include <QDateTime>

namespace {
// Modes with an argument, as many per MODE command as ISUPPORT MODES says.
constexpr int MaxParamModes = 6;
} // namespace

ModeHandler::ModeHandler(Hub &hub)
    : CommandHandler(hub)
{
    using namespace std::placeholders;
    hub.addCommand("MODE", 1, true, std::bind(&ModeHandler::mode, this, _1, _2));
}

QByteArray ModeHandler::normalizeMask(const QByteArray &mask)
{
    QByteArray m = mask;
    if (!m.contains('!') && !m.contains('@'))
        m += "!*@*";
    else if (!m.contains('!'))
        m.prepend("*!");
    else if (!m.contains('@'))
        m += "@*";
    return m.left(IrcNames::MaxNameLen * 3);
}

void ModeHandler::mode(HubClient &client, const IrcMessage &msg)
{
    const QByteArray &target = msg.params.at(0);
    if (!IrcNames::isChannel(target)) {
        userMode(client, msg);
        return;
    }
    HubChannel *channel = m_hub.findChannel(target);
    if (!channel) {
        m_hub.reply(client, Numeric::ERR_NOSUCHCHANNEL, {target, "No such channel"});
        return;
    }
    if (msg.params.size() < 2) {
        QList<QByteArray> params = channel->modeParams(channel->contains(&client) || client.isOper());
        params.prepend(channel->name);
        m_hub.reply(client, Numeric::RPL_CHANNELMODEIS, params);
        m_hub.reply(client, Numeric::RPL_CREATIONTIME, {channel->name, QByteArray::number(channel->createdAt)});
        return;
    }
    channelMode(client, *channel, msg);
}

void ModeHandler::channelMode(HubClient &client, HubChannel &channel, const IrcMessage &msg)
{
    const bool privileged = channel.isOperator(&client) || client.isOper();
    const QByteArray &changes = msg.params.at(1);
    qsizetype nextArg = 2;
    auto takeArg = [&]() -> std::optional<QByteArray> {
        if (nextArg < msg.params.size())
            return msg.params.at(nextArg++);
        return std::nullopt;
    };

    QByteArray applied;     // "+o-k"
    QList<QByteArray> args; // their arguments
    char appliedSign = 0;
    auto record = [&](char sign, char mode, const QByteArray &arg = {}) {
        if (sign != appliedSign) {
            applied += sign;
            appliedSign = sign;
        }
        applied += mode;
        if (!arg.isNull())
            args.append(arg);
    };
    bool deniedOnce = false;
    auto deny = [&] {
        if (!deniedOnce)
            m_hub.reply(client, Numeric::ERR_CHANOPRIVSNEEDED, {channel.name, "You're not channel operator"});
        deniedOnce = true;
    };

    char sign = '+';
    int paramModes = 0;
    for (char mode : changes) {
        if (mode == '+' || mode == '-') {
            sign = mode;
            continue;
        }
        const bool adding = sign == '+';
        switch (mode) {
        case 'b':
        case 'e':
        case 'I': {
            QList<HubChannel::Ban> &list = mode == 'b'   ? channel.bans
                                           : mode == 'e' ? channel.exceptions
                                                         : channel.inviteExceptions;
            const std::optional<QByteArray> mask = takeArg();
            if (!mask || mask->isEmpty() || mask->contains(' ')) {
                sendMaskList(client, channel, mode); // "MODE #c b" / "+b" lists, for everyone
                break;
            }
            if (++paramModes > MaxParamModes)
                break;
            if (!privileged) {
                deny();
                break;
            }
            const QByteArray full = normalizeMask(*mask);
            const auto it = std::find_if(list.begin(), list.end(),
                                         [&](const HubChannel::Ban &b) { return IrcNames::equals(b.mask, full); });
            if (adding && it == list.end()) {
                if (list.size() >= HubChannel::MaxBans) {
                    m_hub.reply(client, Numeric::ERR_BANLISTFULL, {channel.name, full, "Channel list is full"});
                    break;
                }
                list.append({full, client.prefix, QDateTime::currentSecsSinceEpoch()});
                record(sign, mode, full);
            } else if (!adding && it != list.end()) {
                list.erase(it);
                record(sign, mode, full);
            }
            break;
        }
        case 'o':
        case 'v': {
            const std::optional<QByteArray> nick = takeArg();
            if (!nick || ++paramModes > MaxParamModes)
                break;
            if (!privileged) {
                deny();
                break;
            }
            HubClient *who = m_hub.findNick(*nick);
            HubChannel::Member *member = who ? channel.member(who) : nullptr;
            if (!who) {
                m_hub.reply(client, Numeric::ERR_NOSUCHNICK, {*nick, "No such nick/channel"});
                break;
            }
            if (!member) {
                m_hub.reply(client, Numeric::ERR_USERNOTINCHANNEL,
                            {who->nick, channel.name, "They aren't on that channel"});
                break;
            }
            bool &flag = mode == 'o' ? member->op : member->voice;
            if (flag != adding) {
                flag = adding;
                record(sign, mode, who->nick);
                m_hub.memberChanged(channel, *who);
            }
            break;
        }
        case ChannelModes::Key: {
            std::optional<QByteArray> key = takeArg();
            if (adding && (!key || key->isEmpty()))
                break; // "+k" without a key changes nothing
            if (++paramModes > MaxParamModes)
                break;
            if (!privileged) {
                deny();
                break;
            }
            if (adding) {
                if (key->contains(',') || key->contains(' ') || key->size() > 32) {
                    m_hub.reply(client, Numeric::ERR_INVALIDMODEPARAM, {channel.name, "k", *key, "Invalid key"});
                    break;
                }
                channel.key = *key;
                record(sign, mode, *key);
            } else if (!channel.key.isEmpty()) {
                channel.key.clear();
                record(sign, mode, "*");
            }
            break;
        }
        case ChannelModes::Limit: {
            if (!privileged) {
                if (adding)
                    takeArg();
                deny();
                break;
            }
            if (adding) {
                const std::optional<QByteArray> value = takeArg();
                bool ok = false;
                const int limit = value ? value->toInt(&ok) : 0;
                if (!ok || limit <= 0) {
                    m_hub.reply(client, Numeric::ERR_INVALIDMODEPARAM,
                                {channel.name, "l", value.value_or("*"), "Invalid limit (a positive number)"});
                    break;
                }
                if (++paramModes > MaxParamModes)
                    break;
                channel.limit = limit;
                record(sign, mode, QByteArray::number(limit));
            } else if (channel.limit) {
                channel.limit = 0;
                record(sign, mode);
            }
            break;
        }
        case ChannelModes::AlwaysOn:
            break;
        default: {
            const ChannelModes::Flag *setting = ChannelModes::flag(mode);
            if (!setting) {
                m_hub.reply(client, Numeric::ERR_UNKNOWNMODE, {QByteArray(1, mode), "is an unknown mode char to me"});
                break;
            }
            if (!privileged) {
                deny();
                break;
            }
            bool &flag = channel.*setting->field;
            if (flag != adding) {
                flag = adding;
                record(sign, mode);
            }
            break;
        }
        }
    }
    if (applied.isEmpty())
        return;
    IrcMessage change("MODE", {channel.name, applied}, client.prefix);
    change.params.append(args);
    m_hub.announce(channel, std::move(change), client.account);
    m_hub.channelChanged(channel);
}

void ModeHandler::sendMaskList(HubClient &client, const HubChannel &channel, char mode)
{
    const QList<HubChannel::Ban> &list = mode == 'b'   ? channel.bans
                                         : mode == 'e' ? channel.exceptions
                                                       : channel.inviteExceptions;
    const int entry = mode == 'b'   ? Numeric::RPL_BANLIST
                      : mode == 'e' ? Numeric::RPL_EXCEPTLIST
                                    : Numeric::RPL_INVITELIST;
    const int end = mode == 'b'   ? Numeric::RPL_ENDOFBANLIST
                    : mode == 'e' ? Numeric::RPL_ENDOFEXCEPTLIST
                                  : Numeric::RPL_ENDOFINVITELIST;
    for (const HubChannel::Ban &b : list)
        m_hub.reply(client, entry, {channel.name, b.mask, b.setBy, QByteArray::number(b.setAt)});
    m_hub.reply(client, end,
                {channel.name, mode == 'b'   ? QByteArray("End of channel ban list")
                               : mode == 'e' ? QByteArray("End of channel exception list")
                                             : QByteArray("End of channel invite exception list")});
}

void ModeHandler::userMode(HubClient &client, const IrcMessage &msg)
{
    const QByteArray &target = msg.params.at(0);
    if (!m_hub.findNick(target)) {
        m_hub.reply(client, Numeric::ERR_NOSUCHNICK, {target, "No such nick/channel"});
        return;
    }
    if (!IrcNames::equals(target, client.nick)) {
        m_hub.reply(client, Numeric::ERR_USERSDONTMATCH, {"Can't change mode for other users"});
        return;
    }
    if (msg.params.size() < 2) {
        m_hub.reply(client, Numeric::RPL_UMODEIS, {client.userModes()});
        return;
    }
    // +i and +w are the user's to set; +o comes only from OPER, and -o gives it up. What changed
    // is echoed as one MODE; an unknown letter gets 501 once.
    char sign = '+';
    QByteArray applied;
    char appliedSign = 0;
    bool unknown = false;
    auto record = [&](char mode) {
        if (appliedSign != sign) {
            applied += sign;
            appliedSign = sign;
        }
        applied += mode;
    };
    for (char c : msg.params.at(1)) {
        const bool adding = sign == '+';
        if (c == '+' || c == '-') {
            sign = c;
        } else if (c == 'i') {
            if (client.invisible != adding) {
                m_hub.setInvisible(client, adding);
                record(c);
            }
        } else if (c == 'w' || c == 'B') {
            bool &flag = c == 'w' ? client.wallops : client.bot;
            if (flag != adding) {
                flag = adding;
                record(c);
            }
        } else if (c == 'o') {
            if (!adding && client.isOper()) {
                m_hub.setOperName(client, {});
                record(c);
            }
        } else {
            unknown = true;
        }
    }
    if (unknown)
        m_hub.reply(client, Numeric::ERR_UMODEUNKNOWNFLAG, {"Unknown MODE flag"});
    if (!applied.isEmpty()) {
        m_hub.send(client, IrcMessage("MODE", {client.nick, applied}, client.prefix));
        m_hub.userChanged(client);
    }
}
