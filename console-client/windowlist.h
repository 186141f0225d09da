// SPDX-License-Identifier: MIT
#pragma once

#include "client/chatevent.h"

#include <QList>
#include <QString>
#include <QStringList>

// The full-screen view's windows, as irssi has them. Window 1 is the status window: what the
// servers say, and replies with nowhere else to go. Each channel and private chat has a window
// of its own, numbered in the order they opened (numbers close up when one closes). This class
// decides which window an event belongs in, which window is current, and which ones have news
// for the activity list; it is plain data, and the view draws it.
class WindowList {
public:
    // irssi's levels of news: joins and parts, messages, and messages for us.
    enum class Activity { None, Events, Messages, Highlight };
    struct Window {
        quint64 id = 0;  // stable while the window lives: its number is its position
        int session = 0; // 0 for the status window
        QString name;    // channel or nick; empty for the status window
        Activity activity = Activity::None;
        bool isStatus() const { return session == 0; }
        bool isChannel() const { return name.startsWith(u'#') || name.startsWith(u'&'); }
    };

    WindowList();

    qsizetype count() const { return m_windows.size(); }
    const Window &at(qsizetype index) const { return m_windows.at(index); }
    qsizetype current() const { return m_current; }
    const Window &currentWindow() const { return m_windows.at(m_current); }
    // Makes a window current; its news is read.
    void setCurrent(qsizetype index);
    // The window of a channel or private chat (case-insensitive), or -1.
    qsizetype find(int session, const QString &name) const;
    qsizetype ensure(int session, const QString &name);
    // Closes a window (never the status window); the one before it becomes current if it was.
    bool close(qsizetype index);
    // Every window of a session goes (a session terminated).
    void closeSession(int session);
    void rename(qsizetype index, const QString &name);

    // The windows an event is shown in (opening a private chat's window when one starts).
    // `hadNick`: the channels the event's nick was in before it (for QUIT, NICK and AWAY).
    QList<qsizetype> route(const ChatEvent &event, const QStringList &hadNick);
    // How much news the event is for a window that is not current.
    static Activity activityOf(const ChatEvent &event);
    // A line arrived in a window: its news rises, unless it is the current one.
    void noteActivity(qsizetype index, Activity level);
    // The window's news was read elsewhere (another device).
    void clearActivity(qsizetype index)
    {
        if (index >= 0 && index < m_windows.size())
            m_windows[index].activity = Activity::None;
    }
    // The windows with news, in number order.
    QList<qsizetype> active() const;

private:
    QList<Window> m_windows;
    qsizetype m_current = 0;
    quint64 m_nextId = 1;
};
