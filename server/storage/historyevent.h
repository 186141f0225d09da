#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>

// One event of a conversation as it was relayed: a message (PRIVMSG, NOTICE) or a channel event
// (JOIN, PART, QUIT, KICK, NICK, TOPIC, MODE). A value: it crosses from the hub to the storage
// thread, and back in answers.
struct HistoryEvent {
    QByteArray msgid;
    qint64 timeMs = 0;        // when the server relayed it, in ms since the epoch
    QByteArray target;        // the conversation it belongs to (HistoryKey)
    QByteArray command;       // PRIVMSG, NOTICE, JOIN, ...
    QByteArray source;        // nick!user@host
    QList<QByteArray> params; // as relayed: the channel or the recipient first
    QByteArray tags;          // the sender's client-only tags that are kept, serialised ("+a=b;+c")

    bool isMessage() const { return command == "PRIVMSG" || command == "NOTICE"; }
    // The words a search looks in: a message's text, nothing for other events.
    QByteArray text() const { return isMessage() && params.size() > 1 ? params.last() : QByteArray(); }
};
Q_DECLARE_METATYPE(HistoryEvent)
