#pragma once

#include "historyevent.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <utility>

// A point in a conversation: a message by its msgid, or a time. `None` is CHATHISTORY's "*".
struct HistoryBound {
    enum class Kind { None, Timestamp, Msgid };
    Kind kind = Kind::None;
    qint64 timeMs = 0;
    QByteArray msgid;
};

// A question for the history store, asked on behalf of one client. The hub has already decided
// that the client may read what it asks for: the store answers exactly the keys named here.
struct HistoryQuery {
    enum class Kind { Latest, Before, After, Around, Between, Targets, Search };
    Kind kind = Kind::Latest;
    quint64 client = 0;      // who asked (a ClientId)
    QByteArray label;        // labeled-response: the answer carries it
    QByteArray subcommand;   // as the client wrote it, for FAIL replies
    QByteArray shownTarget;  // the target as the client named it, for the reply batch
    QByteArray target;       // the key (HistoryKey); for Targets: unused
    HistoryBound from;
    HistoryBound to;         // Between and Targets
    int limit = 0;
    bool events = false;     // draft/event-playback: more than PRIVMSG and NOTICE
    // Targets: the channels it may read, and the prefix of its private keys.
    QList<QByteArray> channels;
    QByteArray privatePrefix;
    QList<QByteArray> words; // Search: matched as words, never as query syntax
};
Q_DECLARE_METATYPE(HistoryQuery)

struct HistoryAnswer {
    enum class Status { Ok, UnknownMsgid, Failed };
    HistoryQuery query;
    Status status = Status::Ok;
    QList<HistoryEvent> events;                   // oldest first
    QList<std::pair<QByteArray, qint64>> targets; // Targets: (name as shown, latest time), oldest first
};
Q_DECLARE_METATYPE(HistoryAnswer)
