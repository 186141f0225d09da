// SPDX-License-Identifier: MIT
#include "historyhandler.h"

#include "config/serverconfig.h"
#include "hub/hub.h"
#include "hub/outboundframe.h"
#include "protocol/ircnames.h"
#include "storage/historykey.h"

#include <QDateTime>
#include <QTimeZone>

namespace {

// CHATHISTORY's subcommands and how many parameters each takes after its name.
struct Subcommand {
    const char *name;
    HistoryQuery::Kind kind;
    int params;
};
constexpr Subcommand Subcommands[] = {
    {"LATEST", HistoryQuery::Kind::Latest, 3},   {"BEFORE", HistoryQuery::Kind::Before, 3},
    {"AFTER", HistoryQuery::Kind::After, 3},     {"AROUND", HistoryQuery::Kind::Around, 3},
    {"BETWEEN", HistoryQuery::Kind::Between, 4}, {"TARGETS", HistoryQuery::Kind::Targets, 3},
};
// The commands whose last parameter is free text, written after " :".
bool endsInText(const QByteArray &command)
{
    return command == "PRIVMSG" || command == "NOTICE" || command == "PART" || command == "QUIT" || command == "KICK"
           || command == "TOPIC";
}

QList<IrcTag> parseTags(const QByteArray &tags)
{
    QList<IrcTag> out;
    for (const QByteArray &item : tags.split(';')) {
        if (item.isEmpty())
            continue;
        const qsizetype eq = item.indexOf('=');
        out.append({item.left(eq < 0 ? item.size() : eq),
                    eq < 0 ? QByteArray() : IrcMessage::unescapeTagValue(item.mid(eq + 1))});
    }
    return out;
}

QByteArray clock(qint64 timeMs) { return QDateTime::fromMSecsSinceEpoch(timeMs).toString(u"HH:mm").toLatin1(); }

} // namespace

HistoryHandler::HistoryHandler(Hub &hub)
    : CommandHandler(hub)
{
    if (!hub.config().history)
        return;
    using namespace std::placeholders;
    hub.addCommand("CHATHISTORY", 0, true, std::bind(&HistoryHandler::chathistory, this, _1, _2));
    hub.addCommand("SEARCH", 0, true, std::bind(&HistoryHandler::search, this, _1, _2));
    hub.addCommand("MARKREAD", 0, true, std::bind(&HistoryHandler::markread, this, _1, _2));
}

QByteArray HistoryHandler::markerOwner(const HubClient &client)
{
    return client.account.isEmpty() ? IrcNames::fold(client.nick) : '@' + IrcNames::fold(client.account);
}

QByteArray HistoryHandler::markerLine(const QByteArray &target, qint64 timeMs) const
{
    const QByteArray value
        = timeMs > 0
              ? "timestamp=" + QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1()
              : QByteArray("*");
    return IrcMessage("MARKREAD", {target, value}, m_hub.config().name).serialize().value_or(QByteArray());
}

void HistoryHandler::restoreReadMarkers(const QList<ReadMarker> &markers)
{
    for (const ReadMarker &m : markers)
        m_markers[m.owner].insert(m.target, m.timeMs);
}

void HistoryHandler::sendReadMarker(HubClient &client, const QByteArray &target)
{
    if (!(client.caps & Capability::ReadMarker))
        return;
    m_hub.sendBytes(client, markerLine(target, m_markers.value(markerOwner(client)).value(IrcNames::fold(target))));
}

void HistoryHandler::markread(HubClient &client, const IrcMessage &msg)
{
    // MARKREAD <target> [timestamp=T]: ask, or say how far the user has read.
    if (msg.params.isEmpty() || msg.params.first().isEmpty()) {
        fail(client, "MARKREAD", "NEED_MORE_PARAMS", {}, "Missing parameters");
        return;
    }
    const QByteArray &target = msg.params.first();
    const int len = m_hub.config().channelLen;
    if (!IrcNames::isValidChannel(target, len) && !IrcNames::isValidNick(target, len)) {
        fail(client, "MARKREAD", "INVALID_PARAMS", {target}, "Invalid target");
        return;
    }
    const QByteArray owner = markerOwner(client);
    const QByteArray key = IrcNames::fold(target);
    qint64 &stored = m_markers[owner][key];
    if (msg.params.size() >= 2) {
        const std::optional<HistoryBound> bound = HistoryBound::parse(msg.params.at(1), false);
        if (!bound || bound->kind != HistoryBound::Kind::Timestamp) {
            fail(client, "MARKREAD", "INVALID_PARAMS", {msg.params.at(1)}, "Invalid timestamp");
            return;
        }
        // Only ever forwards, and never into the future.
        const qint64 time = std::min(bound->timeMs, QDateTime::currentMSecsSinceEpoch());
        if (time > stored) {
            stored = time;
            Q_EMIT readMarkerSaved({owner, key, time});
            // Every client of the user hears of it, so that reading on one clears the others.
            const QByteArray line = markerLine(target, stored);
            for (HubClient *other : m_hub.clientsOf(client))
                if (other->caps & Capability::ReadMarker)
                    m_hub.sendBytes(*other, line);
            return;
        }
    }
    if (stored == 0)
        m_markers[owner].remove(key);
    m_hub.sendBytes(client, markerLine(target, stored));
}

void HistoryHandler::fail(HubClient &client, const QByteArray &command, const QByteArray &code,
                          QList<QByteArray> context, const QByteArray &text, const QByteArray &label)
{
    context.prepend(code);
    context.prepend(command);
    context.append(text);
    IrcMessage msg("FAIL", context, m_hub.config().name);
    msg.trailing = true;
    if (!label.isEmpty())
        msg.setTag("label", label);
    m_hub.send(client, std::move(msg));
}

QByteArray HistoryHandler::readableKey(const HubClient &client, const QByteArray &target, QByteArray *shown) const
{
    if (IrcNames::isChannel(target)) {
        const HubChannel *channel = m_hub.findChannel(target);
        if (!channel || !channel->contains(&client))
            return {};
        *shown = channel->name;
        return HistoryKey::channel(channel->name);
    }
    if (!IrcNames::isValidNick(target, IrcNames::MaxNameLen))
        return {};
    *shown = target;
    return HistoryKey::privateOf(HistoryKey::owner(client.nick, client.account), target);
}

void HistoryHandler::chathistory(HubClient &client, const IrcMessage &msg)
{
    if (msg.params.isEmpty())
        return fail(client, "CHATHISTORY", "NEED_MORE_PARAMS", {"*"}, "Missing parameters");
    const QByteArray sub = msg.params.at(0).toUpper();
    const auto it = std::find_if(std::begin(Subcommands), std::end(Subcommands),
                                 [&](const Subcommand &s) { return sub == s.name; });
    if (it == std::end(Subcommands))
        return fail(client, "CHATHISTORY", "UNKNOWN_COMMAND", {msg.params.at(0)}, "Unknown command");
    if (msg.params.size() < 1 + it->params)
        return fail(client, "CHATHISTORY", "NEED_MORE_PARAMS", {sub}, "Missing parameters");

    HistoryQuery query;
    query.kind = it->kind;
    query.client = client.id;
    query.subcommand = sub;
    query.events = client.caps & Capability::EventPlayback;
    auto invalid = [&](const QByteArray &param) {
        fail(client, "CHATHISTORY", "INVALID_PARAMS", {sub, param}, "Invalid parameters");
    };
    if (query.kind == HistoryQuery::Kind::Targets) {
        // TARGETS <timestamp> <timestamp> <limit>: only times make sense here.
        for (int i : {1, 2}) {
            const auto bound = HistoryBound::parse(msg.params.at(i), false);
            if (!bound || bound->kind != HistoryBound::Kind::Timestamp)
                return invalid(msg.params.at(i));
            (i == 1 ? query.from : query.to) = *bound;
        }
        const auto limit = HistoryQuery::parseLimit(msg.params.at(3));
        if (!limit)
            return invalid(msg.params.at(3));
        query.limit = *limit;
        for (const HubChannel *channel : client.channels)
            query.channels.append(HistoryKey::channel(channel->name));
        query.privatePrefix = HistoryKey::privatePrefix(HistoryKey::owner(client.nick, client.account));
    } else {
        const QByteArray target = msg.params.at(1);
        query.target = readableKey(client, target, &query.shownTarget);
        if (query.target.isEmpty())
            return fail(client, "CHATHISTORY", "INVALID_TARGET", {sub, target}, "Messages could not be retrieved");
        const auto from = HistoryBound::parse(msg.params.at(2), query.kind == HistoryQuery::Kind::Latest);
        if (!from)
            return invalid(msg.params.at(2));
        query.from = *from;
        qsizetype next = 3;
        if (query.kind == HistoryQuery::Kind::Between) {
            const auto to = HistoryBound::parse(msg.params.at(3), false);
            if (!to)
                return invalid(msg.params.at(3));
            query.to = *to;
            next = 4;
        }
        const auto limit = HistoryQuery::parseLimit(msg.params.at(next));
        if (!limit)
            return invalid(msg.params.at(next));
        query.limit = *limit;
    }
    ask(query);
}

void HistoryHandler::ask(HistoryQuery &query)
{
    query.label = m_hub.deferReply();
    m_hub.flushHistory(); // everything relayed before the question is in the answer
    Q_EMIT queryRequested(query);
}

void HistoryHandler::search(HubClient &client, const IrcMessage &msg)
{
    // SEARCH <target> <words> [limit]: the words may be one trailing parameter or several.
    if (msg.params.size() < 2)
        return fail(client, "SEARCH", "NEED_MORE_PARAMS", {}, "Missing parameters");
    HistoryQuery query;
    query.kind = HistoryQuery::Kind::Search;
    query.client = client.id;
    query.subcommand = "SEARCH";
    query.limit = SearchLimit;
    QList<QByteArray> words = msg.params.mid(1);
    bool isNumber = false;
    words.last().toInt(&isNumber);
    if (words.size() > 1 && isNumber) {
        const auto limit = HistoryQuery::parseLimit(words.last());
        if (!limit)
            return fail(client, "SEARCH", "INVALID_PARAMS", {words.last()},
                        "The limit is 1 to " + QByteArray::number(HistoryQuery::MaxLimit));
        query.limit = *limit;
        words.removeLast();
    }
    query.words = HistoryQuery::parseWords(words);
    if (query.words.isEmpty())
        return fail(client, "SEARCH", "INVALID_PARAMS", {},
                    "Search for 1 to " + QByteArray::number(HistoryQuery::MaxWords) + " words");
    query.target = readableKey(client, msg.params.at(0), &query.shownTarget);
    if (query.target.isEmpty())
        return fail(client, "SEARCH", "INVALID_TARGET", {msg.params.at(0)}, "Messages could not be searched");
    ask(query);
}

QByteArray HistoryHandler::line(const HubClient &client, const HistoryEvent &event, const QByteArray &ref) const
{
    IrcMessage m(event.command, event.params, event.source);
    m.trailing = endsInText(event.command) && !event.params.isEmpty();
    if (!ref.isEmpty())
        m.setTag("batch", ref);
    if (client.caps & Capability::ServerTime)
        m.setTag("time", OutboundFrame::isoTime(event.timeMs));
    if (client.caps & Capability::MessageTags) {
        m.setTag("msgid", event.msgid);
        m.tags.append(parseTags(event.tags));
    }
    return m.serialize().value_or(QByteArray());
}

QByteArray HistoryHandler::batch(const HubClient &client, const QList<QByteArray> &typeParams, const QByteArray &label,
                                 const std::function<QByteArray(const QByteArray &)> &lines)
{
    if (!(client.caps & Capability::Batch))
        return lines({});
    const QByteArray ref = m_hub.nextBatchRef();
    IrcMessage start("BATCH", QList<QByteArray> {'+' + ref} + typeParams, m_hub.config().name);
    if (!label.isEmpty())
        start.setTag("label", label);
    return start.serialize().value_or(QByteArray()) + lines(ref)
           + IrcMessage("BATCH", {'-' + ref}, m_hub.config().name).serialize().value_or(QByteArray());
}

void HistoryHandler::answer(const HistoryAnswer &answer)
{
    const HistoryQuery &q = answer.query;
    HubClient *client = m_hub.findClient(q.client);
    if (!client || client->closing)
        return; // it left meanwhile
    const bool isSearch = q.kind == HistoryQuery::Kind::Search;
    const QByteArray command = isSearch ? "SEARCH" : "CHATHISTORY";
    if (answer.status == HistoryAnswer::Status::UnknownMsgid)
        return fail(*client, command, "INVALID_PARAMS", {q.subcommand, "msgid"}, "Unknown message id", q.label);
    if (answer.status == HistoryAnswer::Status::Failed) {
        QList<QByteArray> context {q.subcommand};
        if (!q.shownTarget.isEmpty())
            context.append(q.shownTarget);
        return fail(*client, command, "MESSAGE_ERROR", context, "Messages could not be retrieved", q.label);
    }
    const QByteArray &server = m_hub.config().name;
    QByteArray out;
    if (q.kind == HistoryQuery::Kind::Targets) {
        out = batch(*client, {"draft/chathistory-targets"}, q.label, [&](const QByteArray &ref) {
            QByteArray lines;
            for (const auto &[key, latest] : answer.targets) {
                QByteArray name = key;
                if (HistoryKey::isPrivate(key)) {
                    // "~me other": the other side, as it is written now if it is here.
                    name = key.mid(key.indexOf(' ') + 1);
                    if (const HubClient *peer = m_hub.findNick(name))
                        name = peer->nick;
                } else if (const HubChannel *channel = m_hub.findChannel(key)) {
                    name = channel->name;
                }
                IrcMessage m("CHATHISTORY", {"TARGETS", name, OutboundFrame::isoTime(latest)}, server);
                if (!ref.isEmpty())
                    m.setTag("batch", ref);
                lines += m.serialize().value_or(QByteArray());
            }
            return lines;
        });
    } else if (isSearch && !(client->caps & Capability::Batch)) {
        // Without batches: the matches as notices to the client, each with its time and sender.
        auto notice = [&](const QByteArray &text) {
            IrcMessage m("NOTICE", {client->nick, text}, server);
            m.trailing = true;
            return m.serialize().value_or(QByteArray());
        };
        out = notice("Search in " + q.shownTarget + " for \"" + q.words.join(' ') + "\": "
                     + QByteArray::number(answer.events.size()) + (answer.events.size() == 1 ? " match" : " matches"));
        for (const HistoryEvent &e : answer.events) {
            const QByteArray when = QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(u"yyyy-MM-dd HH:mm").toLatin1();
            out += notice('[' + when + "] <" + e.source.left(e.source.indexOf('!')) + "> " + e.text());
        }
        out += notice("End of search");
    } else {
        const QList<QByteArray> type = isSearch ? QList<QByteArray> {"confab/search", q.shownTarget}
                                                : QList<QByteArray> {"chathistory", q.shownTarget};
        out = batch(*client, type, q.label, [&](const QByteArray &ref) {
            QByteArray lines;
            for (const HistoryEvent &e : answer.events)
                lines += line(*client, e, ref);
            return lines;
        });
    }
    m_hub.sendBytes(*client, out);
}

void HistoryHandler::playback(HubClient &client, const HubChannel &channel)
{
    const ServerConfig &config = m_hub.config();
    if (!config.history || config.historyPlayback <= 0 || (client.caps & Capability::ChatHistory)
        || channel.recent.isEmpty())
        return;
    QByteArray out;
    if (client.caps & Capability::ServerTime) {
        out = batch(client, {"chathistory", channel.name}, {}, [&](const QByteArray &ref) {
            QByteArray lines;
            for (const HistoryEvent &e : channel.recent)
                lines += line(client, e, ref);
            return lines;
        });
    } else {
        // A plain client shows lines as they arrive: say what they are, and when each was said.
        const QByteArray &server = config.name;
        auto notice = [&](const QByteArray &text) {
            IrcMessage m("NOTICE", {channel.name, text}, server);
            m.trailing = true;
            return m.serialize().value_or(QByteArray());
        };
        const qsizetype n = channel.recent.size();
        const QByteArray zone = QTimeZone::systemTimeZone().abbreviation(QDateTime::currentDateTime()).toLatin1();
        out = notice("Replaying " + QByteArray::number(n) + (n == 1 ? " line" : " lines") + " from "
                     + clock(channel.recent.first().timeMs) + " to " + clock(channel.recent.last().timeMs)
                     + (zone.isEmpty() ? QByteArray() : " " + zone));
        for (HistoryEvent e : channel.recent) {
            QByteArray &text = e.params.last();
            const QByteArray stamp = '[' + clock(e.timeMs) + "] ";
            // An action keeps its CTCP frame: the time goes inside it, after "ACTION ".
            if (text.startsWith("\x01"
                                "ACTION "))
                text.insert(8, stamp);
            else
                text.prepend(stamp);
            out += line(client, e, {});
        }
        out += notice("End of replay");
    }
    m_hub.sendBytes(client, out);
}
