// SPDX-License-Identifier: MIT
#pragma once

#include "chatevent.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QStringList>
#include <optional>

class IrcMessage;

// The client's side of history (draft/chathistory, confab/search) and of read markers
// (draft/read-marker), without a socket: which requests are out, the batches that answer them
// gathered into one History event each, and how far each conversation is known to be read.
class HistoryRequests {
public:
    // A new connection: nothing is out, nothing is known.
    void reset();
    // A history request went out: "latest" or "before" (its History event will say which).
    void asked(const QString &target, const QString &kind);

    // BATCH +ref / -ref: the History event when a history or search batch ends.
    std::optional<ChatEvent> batch(const IrcMessage &msg);
    // A line inside a history or search batch: gathered (its message, if it is one), and true;
    // false for any other line, which is the session's.
    bool take(const IrcMessage &msg, const QString &ownNick);

    // The server said how far the conversation is read (MARKREAD).
    void noteMarker(const QString &target, const QDateTime &time);
    // Whether `time` is further than the server knows, and so worth telling it; if so it is
    // remembered as known.
    bool advanceMarker(const QString &target, const QDateTime &time);

private:
    struct Batch {
        QByteArray type;
        QString target;
        QList<ChatMessage> messages;
    };
    static bool isHistory(const QByteArray &type) { return type == "chathistory" || type == "confab/search"; }

    QHash<QByteArray, Batch> m_batches;  // open batches, by reference
    QHash<QString, QStringList> m_asked; // folded target -> kinds asked, in order
    QHash<QString, QDateTime> m_markers; // folded target -> read up to
};
