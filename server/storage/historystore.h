// SPDX-License-Identifier: MIT
#pragma once

#include "channelstate.h"
#include "historybatch.h"
#include "historyevent.h"
#include "historyquery.h"
#include "readmarker.h"

#include <QList>
#include <QObject>
#include <QString>

// Where history is kept: the narrow interface every storage engine implements (SQLite today),
// so that the hub and the command handlers never know which engine is behind it. An engine
// object lives in a thread of its own and is only reached through queued signals (and one
// blocking call at start-up): the hub never waits on it.
class HistoryStore : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // In the store's thread, before anything else, while the server starts: opens or creates the
    // store. On failure says why in one line and changes nothing. On success `channels` holds
    // every channel worth remembering, each with its last messages for playback, and `markers`
    // every user's read markers.
    virtual bool open(QString *error, QList<ChannelState> *channels, QList<ReadMarker> *markers) = 0;
    // In the store's thread, last: writes what is pending and closes.
    virtual void close() = 0;

public Q_SLOTS:
    // Events to keep, in the order they were relayed. Written soon, in batches.
    virtual void append(const HistoryBatch &events) = 0;
    // A channel's state changed (topic, modes, bans); only the latest one is kept.
    virtual void saveChannel(const ChannelState &state) = 0;
    // A user's read marker moved on (only ever forwards); written soon.
    virtual void saveReadMarker(const ReadMarker &marker) = 0;
    // Answered with answered(), always exactly once.
    virtual void query(const HistoryQuery &query) = 0;

Q_SIGNALS:
    void answered(const HistoryAnswer &answer);
    // Writing stopped working (the disk, the database server), or works again.
    void availabilityChanged(bool available);
};
