// SPDX-License-Identifier: MIT
#include "infohandler.h"

#include "config/serverconfig.h"
#include "hub/channelmodes.h"
#include "hub/hub.h"
#include "hub/outboundframe.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"
#include "storage/historyquery.h"

#include <QDateTime>

namespace {
struct Help {
    const char *command;
    QList<const char *> lines; // the first is the synopsis
};

// Every command the server knows, with what it does: HELP answers each (a test holds the list
// to the hub's commands).
const QList<Help> &helpTexts()
{
    static const QList<Help> texts = {
        {"ADMIN", {"ADMIN [server]", "Who runs this server."}},
        {"AUTHENTICATE",
         {"AUTHENTICATE <mechanism|data|*>", "SASL login: PLAIN, SCRAM-SHA-256 or EXTERNAL (CAP REQ sasl first)."}},
        {"AWAY", {"AWAY [message]", "Marks you away with a message; without one, back."}},
        {"CAP", {"CAP LS [302] | LIST | REQ :<caps> | END", "IRCv3 capability negotiation."}},
        {"CHATHISTORY",
         {"CHATHISTORY LATEST|BEFORE|AFTER|AROUND|BETWEEN|TARGETS ...", "Fetches history (draft/chathistory)."}},
        {"CHGHOST", {"CHGHOST <nick> <user> <host>", "Sets someone's username and host (IRC operators)."}},
        {"HELP", {"HELP [command]", "This help; HELPOP is the same."}},
        {"HELPOP", {"HELPOP [command]", "The same as HELP."}},
        {"INFO", {"INFO [server]", "About this server's software."}},
        {"INVITE", {"INVITE <nick> <#channel>", "Invites someone into a channel (its operators, for +i)."}},
        {"ISON", {"ISON <nick> [nick...]", "Which of these nicks are online."}},
        {"JOIN", {"JOIN <#channel>[,#channel...] [key,...] | JOIN 0", "Joins channels; JOIN 0 leaves every channel."}},
        {"KICK", {"KICK <#channel> <nick>[,nick...] [reason]", "Puts someone out of a channel (its operators)."}},
        {"KILL", {"KILL <nick> <reason>", "Disconnects someone (IRC operators)."}},
        {"LINKS", {"LINKS [mask]", "The servers of this network: this one."}},
        {"LIST", {"LIST [#channel,...]", "Channels, their user counts and topics."}},
        {"LUSERS", {"LUSERS", "How many users, operators, unregistered connections and channels."}},
        {"MARKREAD",
         {"MARKREAD <target> [timestamp=T]",
          "Asks or tells how far you have read a conversation (draft/read-marker)."}},
        {"MODE",
         {"MODE <#channel> [modes [args]] | MODE <nick> [+|-Biw]",
          "Channel lists: b (bans), e (ban exceptions), I (invite exceptions); alone, they are shown.",
          "Channel settings: k (key), l (limit), C (no CTCP), i (invite only), m (moderated),",
          "n (no messages from outside; always on), p (private), R (logged-in users only), s (secret),",
          "t (only operators set the topic). Members: o (operator), v (voice).",
          "User modes: B (bot), i (invisible), w (wallops), o (operator: OPER, or -o to drop it)."}},
        {"MONITOR",
         {"MONITOR +|- <nick>[,nick...] | C | L | S", "Tells you (730/731) when nicks come online or leave."}},
        {"MOTD", {"MOTD [server]", "The message of the day."}},
        {"NAMES", {"NAMES [#channel,...]", "Who is in channels."}},
        {"NICK", {"NICK <nick>", "Changes your nick."}},
        {"NICKSERV", {"NICKSERV <command>", "Talks to NickServ (accounts): /msg NickServ HELP."}},
        {"NOTICE", {"NOTICE <target>[,target...] :<text>", "A message that is never answered automatically."}},
        {"NS", {"NS <command>", "The same as NICKSERV."}},
        {"OPER", {"OPER <name> <password>", "Become an IRC operator."}},
        {"PART", {"PART <#channel>[,#channel...] [reason]", "Leaves channels."}},
        {"PASS", {"PASS <password>", "The server password, before NICK and USER."}},
        {"PING", {"PING <token>", "The server answers PONG with the token."}},
        {"PONG", {"PONG <token>", "The answer to the server's PING."}},
        {"PRIVMSG",
         {"PRIVMSG <target>[,target...] :<text>",
          "A message to channels or people; @#channel (or +#channel) reaches only its operators (and voiced)."}},
        {"QUIT", {"QUIT [reason]", "Leaves the server."}},
        {"REGAIN", {"REGAIN <nick>", "Takes your account's nick back from whoever uses it."}},
        {"REGISTER",
         {"REGISTER <account|*> <email|*> <password>",
          "Registers your nick as an account (draft/account-registration)."}},
        {"SEARCH",
         {"SEARCH <target> <words> [limit]", "Searches a channel's or conversation's history (confab/search)."}},
        {"SETNAME", {"SETNAME :<real name>", "Changes your real name (setname)."}},
        {"STATS", {"STATS <u|m>", "u: uptime; m: how often each command ran."}},
        {"TAGMSG", {"TAGMSG <target>", "A message of tags only (message-tags)."}},
        {"TIME", {"TIME [server]", "The server's time."}},
        {"TOPIC", {"TOPIC <#channel> [topic]", "Shows or sets a channel's topic."}},
        {"USER", {"USER <username> 0 * :<real name>", "Registration: your username and real name."}},
        {"USERHOST", {"USERHOST <nick> [nick...]", "Hosts and away states of nicks."}},
        {"VERSION", {"VERSION [server]", "This server's version and ISUPPORT tokens."}},
        {"WALLOPS", {"WALLOPS :<text>", "A message to everyone with user mode +w (IRC operators)."}},
        {"WHO",
         {"WHO <mask|#channel> [%fields[,token]]",
          "Who matches a mask or is in a channel; WHOX fields: t c u i h s n f d l a o r."}},
        {"WHOIS", {"WHOIS <nick>", "About someone."}},
        {"WHOWAS", {"WHOWAS <nick> [count]", "About someone who has left."}},
    };
    return texts;
}
} // namespace

InfoHandler::InfoHandler(Hub &hub)
    : CommandHandler(hub)
{
    using namespace std::placeholders;
    hub.addCommand("VERSION", 0, true, std::bind(&InfoHandler::version, this, _1, _2));
    hub.addCommand("TIME", 0, true, std::bind(&InfoHandler::time, this, _1, _2));
    hub.addCommand("INFO", 0, true, std::bind(&InfoHandler::info, this, _1, _2));
    hub.addCommand("ADMIN", 0, true, std::bind(&InfoHandler::admin, this, _1, _2));
    hub.addCommand("LINKS", 0, true, std::bind(&InfoHandler::links, this, _1, _2));
    hub.addCommand("STATS", 1, true, std::bind(&InfoHandler::stats, this, _1, _2));
    hub.addCommand("LUSERS", 0, true, [this](HubClient &c, const IrcMessage &) { sendLusers(c); });
    hub.addCommand("HELP", 0, true, std::bind(&InfoHandler::help, this, _1, _2));
    hub.addCommand("HELPOP", 0, true, std::bind(&InfoHandler::help, this, _1, _2));
    hub.addCommand("WALLOPS", 1, true, std::bind(&InfoHandler::wallops, this, _1, _2));
}

QList<QByteArray> InfoHandler::helpFor(const QByteArray &subject)
{
    QList<QByteArray> out;
    if (subject.isEmpty()) {
        out.append("Confab " CONFAB_VERSION " knows these commands; HELP <command> tells more:");
        QByteArray line;
        for (const Help &h : helpTexts()) {
            if (line.size() + qstrlen(h.command) > 60) {
                out.append(line.trimmed());
                line.clear();
            }
            line += h.command;
            line += ' ';
        }
        out.append(line.trimmed());
        return out;
    }
    for (const Help &h : helpTexts())
        if (subject == h.command)
            for (const char *l : h.lines)
                out.append(l);
    return out;
}

void InfoHandler::sendIsupport(HubClient &client)
{
    const ServerConfig &config = m_hub.config();
    QList<QByteArray> isupport = {
        "AWAYLEN=" + QByteArray::number(IrcNames::AwayLen),
        "BOT=B",
        QByteArray("CASEMAPPING=") + IrcNames::CaseMapping,
        "CHANLIMIT=#:" + QByteArray::number(config.maxChannelsPerClient),
        "CHANMODES=" + ChannelModes::isupport(),
        "ELIST=CMNTU",
        "EXCEPTS=e",
        "INVEX=I",
        "HOSTLEN=" + QByteArray::number(IrcNames::HostLen),
        "CHANNELLEN=" + QByteArray::number(config.channelLen),
        "CHANTYPES=#",
        "NETWORK=" + config.network,
        "NICKLEN=" + QByteArray::number(config.nickLen),
        "MODES=6",
        "MONITOR=" + QByteArray::number(Hub::MonitorLimit),
        "PREFIX=" + ChannelModes::prefixes(),
        QByteArray("STATUSMSG=") + ChannelModes::StatusPrefixes,
        "TARGMAX=JOIN:,NAMES:,NOTICE:4,PART:,PRIVMSG:4,WHOIS:1",
        "TOPICLEN=" + QByteArray::number(IrcNames::TopicLen),
        "USERLEN=" + QByteArray::number(IrcNames::UserLen),
        "UTF8ONLY",
        "WHOX",
    };
    if (config.history) {
        isupport.append("CHATHISTORY=" + QByteArray::number(HistoryQuery::MaxLimit));
        isupport.append("MSGREFTYPES=msgid,timestamp");
    }
    // At most 13 tokens a line, as modern clients expect.
    constexpr qsizetype TokensPerLine = 13;
    for (qsizetype i = 0; i < isupport.size(); i += TokensPerLine) {
        QList<QByteArray> params = isupport.mid(i, TokensPerLine);
        params.append("are supported by this server");
        m_hub.reply(client, Numeric::RPL_ISUPPORT, params);
    }
}

void InfoHandler::sendLusers(HubClient &client)
{
    const Hub::UserCounts counts = m_hub.userCounts();
    const int invisible = counts.invisible, opers = counts.opers;
    const int users = counts.registered, visible = users - invisible;
    m_maxUsers = std::max(m_maxUsers, users);
    const int unknown = m_hub.unregisteredCount();
    // In a cluster the network is every node's users; this server's are its own.
    const int local = users - counts.remote;
    m_maxLocal = std::max(m_maxLocal, local);
    const QByteArray n = QByteArray::number(users), max = QByteArray::number(m_maxUsers);
    const QByteArray l = QByteArray::number(local), maxLocal = QByteArray::number(m_maxLocal);
    const QByteArray servers = QByteArray::number(counts.servers);
    m_hub.reply(client, Numeric::RPL_LUSERCLIENT,
                {"There are " + QByteArray::number(visible) + " users and " + QByteArray::number(invisible)
                 + " invisible on " + servers + " servers"});
    if (opers > 0)
        m_hub.reply(client, Numeric::RPL_LUSEROP, {QByteArray::number(opers), "operator(s) online"});
    if (unknown > 0)
        m_hub.reply(client, Numeric::RPL_LUSERUNKNOWN, {QByteArray::number(unknown), "unknown connection(s)"});
    m_hub.reply(client, Numeric::RPL_LUSERCHANNELS, {QByteArray::number(m_hub.channels().size()), "channels formed"});
    m_hub.reply(client, Numeric::RPL_LUSERME,
                {"I have " + l + " clients and " + QByteArray::number(counts.servers - 1) + " servers"});
    m_hub.reply(client, Numeric::RPL_LOCALUSERS, {l, maxLocal, "Current local users " + l + ", max " + maxLocal});
    m_hub.reply(client, Numeric::RPL_GLOBALUSERS, {n, max, "Current global users " + n + ", max " + max});
}

void InfoHandler::version(HubClient &client, const IrcMessage &)
{
    const ServerConfig &config = m_hub.config();
    m_hub.reply(client, Numeric::RPL_VERSION,
                {"confab-" CONFAB_VERSION ".", config.name, "Confab, a lightweight self-hosted chat server"});
    sendIsupport(client);
}

void InfoHandler::time(HubClient &client, const IrcMessage &)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_hub.reply(client, Numeric::RPL_TIME,
                {m_hub.config().name, QByteArray::number(now.toSecsSinceEpoch()), "0",
                 now.toString(QStringLiteral("dddd MMMM d yyyy -- HH:mm:ss +00:00")).toLatin1()});
}

void InfoHandler::info(HubClient &client, const IrcMessage &)
{
    static const QList<QByteArray> lines = {
        "Confab " CONFAB_VERSION ": a lightweight, self-hosted chat server that speaks IRC.",
        "C++ and Qt 6: one hub thread owns every nick and channel; connections live on a pool of",
        "worker threads; history and accounts in an embedded SQLite database.",
        "IRCv3: message tags, batch, labeled-response, chathistory, SASL, account-registration.",
    };
    for (const QByteArray &line : lines)
        m_hub.reply(client, Numeric::RPL_INFO, {line});
    m_hub.reply(client, Numeric::RPL_ENDOFINFO, {"End of INFO list"});
}

void InfoHandler::admin(HubClient &client, const IrcMessage &)
{
    const ServerConfig &config = m_hub.config();
    m_hub.reply(client, Numeric::RPL_ADMINME, {config.name, "Administrative info"});
    m_hub.reply(client, Numeric::RPL_ADMINLOC1, {"The " + config.network + " network"});
    m_hub.reply(client, Numeric::RPL_ADMINLOC2, {"Run with Confab " CONFAB_VERSION});
    m_hub.reply(client, Numeric::RPL_ADMINEMAIL, {"Ask an IRC operator (WHO with * for operators)"});
}

void InfoHandler::links(HubClient &client, const IrcMessage &)
{
    const ServerConfig &config = m_hub.config();
    m_hub.reply(client, Numeric::RPL_LINKS, {config.name, config.name, "0 " + config.network + " server"});
    m_hub.reply(client, Numeric::RPL_ENDOFLINKS, {"*", "End of /LINKS list"});
}

void InfoHandler::stats(HubClient &client, const IrcMessage &msg)
{
    const QByteArray query = msg.params.at(0).left(1);
    if (query == "u") {
        const qint64 up = m_hub.uptimeSeconds();
        m_hub.reply(client, Numeric::RPL_STATSUPTIME,
                    {QStringLiteral("Server Up %1 days %2:%3:%4")
                         .arg(up / 86400)
                         .arg(up / 3600 % 24, 2, 10, QLatin1Char('0'))
                         .arg(up / 60 % 60, 2, 10, QLatin1Char('0'))
                         .arg(up % 60, 2, 10, QLatin1Char('0'))
                         .toLatin1()});
    } else if (query == "m") {
        const auto &counts = m_hub.commandCounts();
        QList<QByteArray> names = counts.keys();
        std::sort(names.begin(), names.end());
        for (const QByteArray &name : names)
            m_hub.reply(client, Numeric::RPL_STATSCOMMANDS, {name, QByteArray::number(counts.value(name))});
    }
    m_hub.reply(client, Numeric::RPL_ENDOFSTATS, {query.isEmpty() ? QByteArray("*") : query, "End of /STATS report"});
}

void InfoHandler::help(HubClient &client, const IrcMessage &msg)
{
    const QByteArray subject = msg.param(0).toUpper();
    const QList<QByteArray> lines = helpFor(subject);
    const QByteArray shown = subject.isEmpty() ? QByteArray("*") : subject;
    if (lines.isEmpty()) {
        m_hub.reply(client, Numeric::ERR_HELPNOTFOUND, {shown, "No help available on this topic"});
        return;
    }
    m_hub.reply(client, Numeric::RPL_HELPSTART, {shown, lines.first()});
    for (qsizetype i = 1; i < lines.size(); ++i)
        m_hub.reply(client, Numeric::RPL_HELPTXT, {shown, lines.at(i)});
    m_hub.reply(client, Numeric::RPL_ENDOFHELP, {shown, "End of /HELPOP"});
}

void InfoHandler::wallops(HubClient &client, const IrcMessage &msg)
{
    if (!m_hub.requireOperator(client))
        return;
    IrcMessage out("WALLOPS", {msg.params.at(0)}, client.prefix);
    out.trailing = true;
    QList<HubClient *> receivers;
    for (HubClient *c : m_hub.registeredClients())
        if (c->wallops)
            receivers.append(c);
    OutboundFrame frame(std::move(out));
    frame.setAccount(client.account);
    m_hub.deliver(receivers, frame);
}
