// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"
#include "storage/historyquery.h"
#include "storage/readmarker.h"

#include <QHash>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <functional>

class IrcMessage;
struct HubChannel;
struct HubClient;

// History for clients: CHATHISTORY (draft/chathistory, with draft/event-playback) and SEARCH,
// answered by the history store, and the playback of a channel's last lines on JOIN for clients
// that do not fetch history themselves. It lives in the hub's thread: its questions leave as
// queryRequested() and the store's answers come back to answer(), both queued signals.
class HistoryHandler : public QObject, public CommandHandler {
    Q_OBJECT
public:
    static constexpr int SearchLimit = 20; // SEARCH without a limit

    explicit HistoryHandler(Hub &hub);

    // The channel's last lines to a client that has just joined it, as the original messages:
    // with their time and in a chathistory batch for clients that take them, else between two
    // notices and with the time written in front. Nothing for clients that fetch history.
    void playback(HubClient &client, const HubChannel &channel);
    // draft/read-marker: where the client's user has read `target` up to ("*" if nowhere yet),
    // told on JOIN before the end of NAMES.
    void sendReadMarker(HubClient &client, const QByteArray &target);
    // At start-up, every user's markers, from the store.
    void restoreReadMarkers(const QList<ReadMarker> &markers);

public Q_SLOTS:
    void answer(const HistoryAnswer &answer);

Q_SIGNALS:
    void queryRequested(const HistoryQuery &query);
    // A marker moved on: the store keeps it.
    void readMarkerSaved(const ReadMarker &marker);

private:
    void chathistory(HubClient &client, const IrcMessage &msg);
    void search(HubClient &client, const IrcMessage &msg);
    void markread(HubClient &client, const IrcMessage &msg);
    // "@account" for a logged-in client, else its nick, folded: whose markers these are.
    static QByteArray markerOwner(const HubClient &client);
    QByteArray markerLine(const QByteArray &target, qint64 timeMs) const;
    // Sends the question to the store; its answer is labeled if the command was.
    void ask(HistoryQuery &query);
    // The key for `target` if the client may read it: a channel it is in, or its own private
    // conversation with a nick. Empty otherwise.
    QByteArray readableKey(const HubClient &client, const QByteArray &target, QByteArray *shown) const;
    void fail(HubClient &client, const QByteArray &command, const QByteArray &code, QList<QByteArray> context,
              const QByteArray &text, const QByteArray &label = {});
    // One event as this client receives it, in batch `ref` (none if empty).
    QByteArray line(const HubClient &client, const HistoryEvent &event, const QByteArray &ref) const;
    // `lines` wrapped in a BATCH of `type` when the client takes batches; the label on its start.
    QByteArray batch(const HubClient &client, const QList<QByteArray> &typeParams, const QByteArray &label,
                     const std::function<QByteArray(const QByteArray &ref)> &lines);

    // owner -> folded target -> time of the last message read. In memory, in the hub's thread;
    // the store keeps a copy for restarts.
    QHash<QByteArray, QHash<QByteArray, qint64>> m_markers;
};
