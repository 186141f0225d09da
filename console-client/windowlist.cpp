// SPDX-License-Identifier: MIT
#include "windowlist.h"

WindowList::WindowList() { m_windows.append(Window {m_nextId++, 0, {}, Activity::None}); }

void WindowList::setCurrent(qsizetype index)
{
    if (index < 0 || index >= m_windows.size())
        return;
    m_current = index;
    m_windows[index].activity = Activity::None;
}

qsizetype WindowList::find(int session, const QString &name) const
{
    for (qsizetype i = 1; i < m_windows.size(); ++i)
        if (m_windows.at(i).session == session && m_windows.at(i).name.compare(name, Qt::CaseInsensitive) == 0)
            return i;
    return -1;
}

qsizetype WindowList::ensure(int session, const QString &name)
{
    if (const qsizetype i = find(session, name); i >= 0)
        return i;
    m_windows.append(Window {m_nextId++, session, name, Activity::None});
    return m_windows.size() - 1;
}

bool WindowList::close(qsizetype index)
{
    if (index <= 0 || index >= m_windows.size())
        return false;
    m_windows.remove(index);
    if (m_current >= index)
        m_current = std::max<qsizetype>(0, m_current - 1);
    m_windows[m_current].activity = Activity::None;
    return true;
}

void WindowList::closeSession(int session)
{
    for (qsizetype i = m_windows.size() - 1; i > 0; --i)
        if (m_windows.at(i).session == session)
            close(i);
}

void WindowList::rename(qsizetype index, const QString &name)
{
    if (index > 0 && index < m_windows.size())
        m_windows[index].name = name;
}

QList<qsizetype> WindowList::route(const ChatEvent &ev, const QStringList &hadNick)
{
    using T = ChatEvent::Type;
    // Replies and errors go where the user is looking, if it is this session's window.
    const qsizetype here = m_current > 0 && m_windows.at(m_current).session == ev.session ? m_current : 0;
    const qsizetype channel = ev.channel.isEmpty() ? -1 : find(ev.session, ev.channel);
    switch (ev.type) {
    case T::Message: {
        const ChatMessage &m = ev.message;
        if (!m.isPrivate)
            return {ensure(ev.session, m.target)};
        // A private notice (services, a server) is not a conversation: it shows where we are.
        if (m.kind == ChatMessage::Kind::Notice && !m.isOwn)
            return {here};
        const qsizetype query = ensure(ev.session, m.isOwn ? m.target : m.from);
        // What we send privately is also shown where we typed it, so that it is seen to go.
        if (m.isOwn && query != m_current)
            return {query, m_current};
        return {query};
    }
    case T::Join:
        if (ev.own)
            return {ensure(ev.session, ev.channel)};
        return {channel >= 0 ? channel : 0};
    case T::Part:
        // Our own leaving closes the window (irssi's autoclose): the line stays in the status window.
        return {ev.own || channel < 0 ? 0 : channel};
    case T::Kick:
    case T::Topic:
        return {channel >= 0 ? channel : here};
    case T::Mode:
        return {channel >= 0 ? channel : here};
    case T::Quit:
    case T::Nick:
    case T::Away: {
        QList<qsizetype> out;
        for (qsizetype i = 1; i < m_windows.size(); ++i) {
            const Window &w = m_windows.at(i);
            if (w.session != ev.session)
                continue;
            const bool isPeer = !w.isChannel() && w.name.compare(ev.nick, Qt::CaseInsensitive) == 0;
            // Our own new nick is news in every window of the session.
            if ((ev.own && ev.type == T::Nick) || isPeer
                || (w.isChannel() && hadNick.contains(w.name, Qt::CaseInsensitive)))
                out.append(i);
        }
        if (out.isEmpty() && ev.own)
            out.append(0);
        return out;
    }
    case T::Connection: {
        // The status window, and every window of the session: the user sees the drop where they are.
        QList<qsizetype> out {0};
        for (qsizetype i = 1; i < m_windows.size(); ++i)
            if (m_windows.at(i).session == ev.session)
                out.append(i);
        return out;
    }
    case T::Server:
    case T::State:
    case T::Support:
        return {0};
    case T::Names:
    case T::ReadMarker:
        return {};
    case T::History:
        return {channel >= 0 ? channel : here};
    case T::Who:
    case T::Info:
    case T::Error:
    case T::ChannelListed:
    case T::NickList:
        return {here};
    }
    return {0};
}

WindowList::Activity WindowList::activityOf(const ChatEvent &ev)
{
    using T = ChatEvent::Type;
    switch (ev.type) {
    case T::Message:
        if (ev.message.isOwn)
            return Activity::None;
        return ev.message.isHighlight || ev.message.isPrivate ? Activity::Highlight : Activity::Messages;
    case T::Join:
    case T::Part:
    case T::Kick:
    case T::Quit:
    case T::Nick:
    case T::Topic:
    case T::Mode:
    case T::Away:
        return Activity::Events;
    default:
        return Activity::None;
    }
}

void WindowList::noteActivity(qsizetype index, Activity level)
{
    if (index < 0 || index >= m_windows.size() || index == m_current)
        return;
    Window &w = m_windows[index];
    w.activity = std::max(w.activity, level);
}

QList<qsizetype> WindowList::active() const
{
    QList<qsizetype> out;
    for (qsizetype i = 0; i < m_windows.size(); ++i)
        if (m_windows.at(i).activity != Activity::None)
            out.append(i);
    return out;
}
