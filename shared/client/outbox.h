// SPDX-License-Identifier: MIT
#pragma once

#include "chatevent.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <functional>
#include <optional>

class IrcMessage;

// What the user sends through a session: each line goes out now, waits for the next
// registration while the session reconnects (up to a limit), or is refused with an error; it is
// never dropped silently. Text that would break the line is refused. Our own messages are
// reported once they really go out. A plain class: ClientSession gives it the hooks to its
// state, its connection and its events.
class Outbox {
public:
    enum class Mode { Send, Hold, Refuse }; // registered; on the way back; not connected at all
    struct Hooks {
        std::function<Mode()> mode;
        std::function<QString()> nick;                     // our nick, for our own messages
        std::function<void(const QByteArray &line)> write; // one line, without CR LF
        std::function<void(const ChatMessage &own)> sent;  // our own message went out
        std::function<void(const QString &text)> error;
    };

    Outbox(Hooks hooks, int limit);
    void setLimit(int limit) { m_limit = limit; }

    // A command (`what` names it in an error), and our own message to report when it goes out.
    bool send(const IrcMessage &message, const QString &what, const std::optional<ChatMessage> &own = {});
    // A line as typed (/raw), refused if it holds a line break or NUL.
    bool sendRaw(const QByteArray &line, const QString &what);
    // Chat: split to fit (PRIVMSG), as an action, as a notice, as a CTCP request (PING with
    // nothing more carries the time, so that the reply shows the round trip).
    void message(const QString &target, const QString &text);
    void action(const QString &target, const QString &text);
    void notice(const QString &target, const QString &text);
    void ctcp(const QString &target, const QString &command, const QString &args);

    // Registered again: what was held goes out, in order.
    void flush();
    void clear() { m_held.clear(); }

private:
    struct Held {
        QByteArray line;
        std::optional<ChatMessage> own;
    };
    bool deliver(const QByteArray &line, const QString &what, const std::optional<ChatMessage> &own);
    ChatMessage own(ChatMessage::Kind kind, const QString &target, const QString &text) const;

    Hooks m_hooks;
    int m_limit;
    QList<Held> m_held;
};
