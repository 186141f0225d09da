// SPDX-License-Identifier: MIT
#pragma once

#include "historyevent.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <optional>
#include <utility>

// A point in a conversation: a message by its msgid, or a time. `None` is CHATHISTORY's "*".
struct HistoryBound {
    enum class Kind { None, Timestamp, Msgid };
    Kind kind = Kind::None;
    qint64 timeMs = 0;
    QByteArray msgid;

    static constexpr qsizetype MaxMsgidLength = 100;
    // A CHATHISTORY selector, as a client writes it:
    //   selector = "*" / "timestamp=" date-time / "msgid=" 1*100( byte )
    // with date-time as ISO 8601 (YYYY-MM-DDThh:mm:ss.sssZ). "*" only where `star` allows it.
    static std::optional<HistoryBound> parse(QByteArrayView text, bool star);
};

// A question for the history store, asked on behalf of one client. The hub has already decided
// that the client may read what it asks for: the store answers exactly the keys named here.
struct HistoryQuery {
    enum class Kind { Latest, Before, After, Around, Between, Targets, Search };
    Kind kind = Kind::Latest;
    quint64 client = 0;     // who asked (a ClientId)
    QByteArray label;       // labeled-response: the answer carries it
    QByteArray subcommand;  // as the client wrote it, for FAIL replies
    QByteArray shownTarget; // the target as the client named it, for the reply batch
    QByteArray target;      // the key (HistoryKey); for Targets: unused
    HistoryBound from;
    HistoryBound to; // Between and Targets
    int limit = 0;
    bool events = false; // draft/event-playback: more than PRIVMSG and NOTICE
    // Targets: the channels it may read, and the prefix of its private keys.
    QList<QByteArray> channels;
    QByteArray privatePrefix;
    QList<QByteArray> words; // Search: matched as words, never as query syntax

    static constexpr int MaxLimit = 100;
    static constexpr qsizetype MaxWords = 10;
    static constexpr qsizetype MaxWordLength = 100;
    // A limit: a whole number from 1 to MaxLimit.
    static std::optional<int> parseLimit(QByteArrayView text);
    // SEARCH's words: what the client typed, split at white space. Empty when there are none,
    // too many, or one is too long.
    static QList<QByteArray> parseWords(const QList<QByteArray> &params);
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
