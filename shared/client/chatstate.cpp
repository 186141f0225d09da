// SPDX-License-Identifier: MIT
#include "chatstate.h"

#include <algorithm>

ChatState::ChatState() = default;

void ChatState::setPrefix(const QString &value)
{
    // "(qaohv)~&@%+": as many prefixes as modes, or it is ignored.
    const qsizetype close = value.indexOf(u')');
    if (!value.startsWith(u'(') || close < 0)
        return;
    const QString modes = value.mid(1, close - 1);
    const QString prefixes = value.mid(close + 1);
    if (modes.size() != prefixes.size() || modes.isEmpty())
        return;
    m_statusModes = modes;
    m_statusPrefixes = prefixes;
}

void ChatState::setChannelModes(const QString &value)
{
    const QStringList groups = value.split(u',');
    if (groups.size() < 4)
        return;
    m_listModes = groups.at(0);
    m_alwaysArgModes = groups.at(1);
    m_setArgModes = groups.at(2);
}

void ChatState::clear() { m_channels.clear(); }

ChatState::Member *ChatState::member(Channel &channel, const QString &nick)
{
    for (Member &m : channel.members)
        if (m.nick.compare(nick, Qt::CaseInsensitive) == 0)
            return &m;
    return nullptr;
}

int ChatState::rank(const Member &m) const
{
    for (qsizetype i = 0; i < m_statusModes.size(); ++i)
        if (m.modes.contains(m_statusModes.at(i)))
            return int(i);
    return int(m_statusModes.size());
}

void ChatState::sort(Channel &channel) const
{
    std::stable_sort(channel.members.begin(), channel.members.end(), [this](const Member &a, const Member &b) {
        const int ra = rank(a), rb = rank(b);
        if (ra != rb)
            return ra < rb;
        return a.nick.compare(b.nick, Qt::CaseInsensitive) < 0;
    });
}

void ChatState::join(const QString &channel, const QString &nick, bool own)
{
    Channel &c = m_channels[key(channel)];
    if (own) {
        c = Channel {};
        c.joined = true;
    }
    c.name = channel;
    if (!member(c, nick)) {
        c.members.append({nick, {}});
        sort(c);
    }
}

void ChatState::leave(const QString &channel, const QString &nick, bool own)
{
    if (own) {
        m_channels.remove(key(channel));
        return;
    }
    const auto it = m_channels.find(key(channel));
    if (it == m_channels.end())
        return;
    it->members.removeIf([&](const Member &m) { return m.nick.compare(nick, Qt::CaseInsensitive) == 0; });
}

QStringList ChatState::quit(const QString &nick)
{
    QStringList where;
    for (Channel &c : m_channels) {
        const qsizetype before = c.members.size();
        c.members.removeIf([&](const Member &m) { return m.nick.compare(nick, Qt::CaseInsensitive) == 0; });
        if (c.members.size() != before)
            where.append(c.name);
    }
    return where;
}

QStringList ChatState::rename(const QString &from, const QString &to)
{
    QStringList where;
    for (Channel &c : m_channels) {
        if (Member *m = member(c, from)) {
            m->nick = to;
            sort(c);
            where.append(c.name);
        }
    }
    return where;
}

QString ChatState::modesFromPrefixes(const QString &prefixes) const
{
    QString modes;
    for (QChar p : prefixes) {
        const qsizetype i = m_statusPrefixes.indexOf(p);
        if (i >= 0)
            modes += m_statusModes.at(i);
    }
    return modes;
}

void ChatState::addNames(const QString &channel, const QStringList &entries)
{
    Channel &c = m_channels[key(channel)];
    if (c.name.isEmpty())
        c.name = channel;
    for (const QString &entry : entries) {
        qsizetype i = 0;
        while (i < entry.size() && m_statusPrefixes.contains(entry.at(i)))
            ++i;
        QString nick = entry.mid(i);
        if (const qsizetype bang = nick.indexOf(u'!'); bang >= 0)
            nick.truncate(bang); // userhost-in-names
        if (!nick.isEmpty())
            c.pendingNames.append({nick, modesFromPrefixes(entry.left(i))});
    }
}

void ChatState::endNames(const QString &channel)
{
    const auto it = m_channels.find(key(channel));
    if (it == m_channels.end())
        return;
    it->members = std::exchange(it->pendingNames, {});
    sort(*it);
}

bool ChatState::applyMode(const QString &channel, const QStringList &modeAndArgs)
{
    const auto it = m_channels.find(key(channel));
    if (it == m_channels.end() || modeAndArgs.isEmpty())
        return false;
    qsizetype nextArg = 1;
    bool adding = true;
    bool changed = false;
    for (QChar mode : modeAndArgs.first()) {
        if (mode == u'+' || mode == u'-') {
            adding = mode == u'+';
            continue;
        }
        if (m_statusModes.contains(mode)) {
            if (nextArg >= modeAndArgs.size())
                break;
            if (Member *m = member(*it, modeAndArgs.at(nextArg++))) {
                const bool has = m->modes.contains(mode);
                if (adding && !has) {
                    // Kept in rank order, so that the highest is first.
                    QString modes;
                    for (QChar s : m_statusModes)
                        if (m->modes.contains(s) || s == mode)
                            modes += s;
                    m->modes = modes;
                    changed = true;
                } else if (!adding && has) {
                    m->modes.remove(mode);
                    changed = true;
                }
            }
        } else if (m_listModes.contains(mode) || m_alwaysArgModes.contains(mode)
                   || (adding && m_setArgModes.contains(mode))) {
            ++nextArg; // an argument that is not a member's
        }
    }
    if (changed)
        sort(*it);
    return changed;
}

void ChatState::setTopic(const QString &channel, const QString &topic)
{
    Channel &c = m_channels[key(channel)];
    if (c.name.isEmpty())
        c.name = channel;
    c.topic = topic;
}

QStringList ChatState::channels() const
{
    QStringList out;
    for (const Channel &c : m_channels)
        if (c.joined)
            out.append(c.name);
    return out;
}

QStringList ChatState::members(const QString &channel) const
{
    QStringList out;
    for (const Member &m : m_channels.value(key(channel)).members) {
        const int r = rank(m);
        out.append(r < m_statusPrefixes.size() ? m_statusPrefixes.at(r) + m.nick : m.nick);
    }
    return out;
}

QStringList ChatState::nicks(const QString &channel) const
{
    QStringList out;
    for (const Member &m : m_channels.value(key(channel)).members)
        out.append(m.nick);
    return out;
}

QString ChatState::nickOf(const QString &member)
{
    qsizetype i = 0;
    while (i < member.size() && QStringView(u"~&@%+").contains(member.at(i)))
        ++i;
    return member.mid(i);
}

QString ChatState::prefixes(const QString &channel, const QString &nick) const
{
    for (const Member &m : m_channels.value(key(channel)).members) {
        if (m.nick.compare(nick, Qt::CaseInsensitive) != 0)
            continue;
        QString out;
        for (qsizetype i = 0; i < m_statusModes.size(); ++i)
            if (m.modes.contains(m_statusModes.at(i)))
                out += m_statusPrefixes.at(i);
        return out;
    }
    return {};
}

QStringList ChatState::apply(const ChatEvent &ev)
{
    using T = ChatEvent::Type;
    switch (ev.type) {
    case T::Join:
        join(ev.channel, ev.nick, ev.own);
        return {ev.channel};
    case T::Part:
    case T::Kick:
        leave(ev.channel, ev.nick, ev.own);
        return {ev.channel};
    case T::Quit:
        return quit(ev.nick);
    case T::Nick:
        return rename(ev.nick, ev.text);
    case T::Topic:
        setTopic(ev.channel, ev.text);
        return {ev.channel};
    case T::Names:
        addNames(ev.channel, ev.list);
        endNames(ev.channel);
        return {ev.channel};
    case T::Mode:
        if (applyMode(ev.channel, ev.list))
            return {ev.channel};
        return {};
    case T::Support:
        for (const QString &token : ev.list) {
            if (token.startsWith(u"PREFIX="))
                setPrefix(token.mid(7));
            else if (token.startsWith(u"CHANMODES="))
                setChannelModes(token.mid(10));
        }
        return {};
    case T::State:
        // A new connection learns everything again from the server.
        if (ev.state == SessionState::Disconnected || ev.state == SessionState::Reconnecting
            || ev.state == SessionState::Connecting) {
            QStringList had = channels();
            clear();
            return had;
        }
        return {};
    default:
        return {};
    }
}

QStringList ChatState::channelsWith(const QString &nick) const
{
    QStringList out;
    for (const Channel &c : m_channels)
        if (c.joined && std::any_of(c.members.cbegin(), c.members.cend(), [&](const Member &m) {
                return m.nick.compare(nick, Qt::CaseInsensitive) == 0;
            }))
            out.append(c.name);
    return out;
}
