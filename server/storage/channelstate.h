// SPDX-License-Identifier: MIT
#pragma once

#include "historyevent.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>

// What a channel keeps across restarts (and while it is empty): its topic, its modes, its bans,
// and its last lines for playback on join. A value, saved by the storage thread and handed back
// to the hub at start-up.
struct ChannelState {
    struct Ban {
        QByteArray mask;
        QByteArray setBy;
        qint64 setAt = 0;
    };
    QByteArray name; // as first created (case preserved)
    QByteArray topic;
    QByteArray topicSetBy;
    qint64 topicSetAt = 0;
    qint64 createdAt = 0;
    bool topicLocked = false;
    bool moderated = false;
    bool inviteOnly = false;
    bool accountsOnly = false;
    bool secret = false;
    bool privateChannel = false;
    bool noCtcp = false;
    QByteArray key;
    int limit = 0;
    QList<Ban> bans;
    QList<Ban> exceptions;       // +e
    QList<Ban> inviteExceptions; // +I
    qint64 usedAtMs = 0;         // the last time anything happened in it
    QList<HistoryEvent> recent;  // its last messages, oldest first (start-up only)

    // Whether there is anything to keep: a channel nobody set up and nobody spoke in is not.
    bool worthKeeping() const
    {
        return !topic.isEmpty() || topicLocked || moderated || inviteOnly || accountsOnly || secret || privateChannel
               || noCtcp || !exceptions.isEmpty() || !inviteExceptions.isEmpty() || !key.isEmpty() || limit > 0
               || !bans.isEmpty() || !recent.isEmpty();
    }
};
Q_DECLARE_METATYPE(ChannelState)
