// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <algorithm>
#include <charconv>
#include <optional>

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

    // A msgid is "<time in ms, base 36>-<run id>-<counter, base 36>": the run id (random for each
    // run of the server) and the counter make it unique across restarts, and the time lets the
    // store find a message by its msgid through its index on (target, time), with no index of
    // its own to keep up on every insert.
    static QByteArray makeMsgid(qint64 timeMs, const QByteArray &runId, quint64 counter)
    {
        // Made for every relayed message, in the hub's thread: one allocation, no temporaries.
        char buf[64];
        char *end = std::to_chars(buf, buf + 13, timeMs, 36).ptr;
        *end++ = '-';
        const qsizetype run = std::min<qsizetype>(runId.size(), 24);
        std::copy_n(runId.constData(), run, end);
        end += run;
        *end++ = '-';
        end = std::to_chars(end, buf + sizeof buf, counter, 36).ptr;
        return QByteArray(buf, end - buf);
    }
    static std::optional<qint64> msgidTime(QByteArrayView msgid)
    {
        const qsizetype dash = msgid.indexOf('-');
        bool ok = false;
        const qint64 time = dash > 0 ? msgid.first(dash).toLongLong(&ok, 36) : 0;
        return ok ? std::optional(time) : std::nullopt;
    }
    // The words a search looks in: a message's text, nothing for other events.
    QByteArray text() const { return isMessage() && params.size() > 1 ? params.last() : QByteArray(); }
};
Q_DECLARE_METATYPE(HistoryEvent)
