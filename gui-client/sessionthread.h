// SPDX-License-Identifier: MIT
#pragma once

#include "client/chatevent.h"
#include "client/clientsession.h"

#include <QObject>

class ChatController;
class QThread;

// The network side of the desktop client: a ChatController (and so every socket) living in a
// thread of its own, so that the window never waits on the network. Only values cross the
// thread boundary, as queued signals: commands from the window to the controller, ChatEvents
// from the controller to the window.
class SessionThread : public QObject {
    Q_OBJECT
public:
    explicit SessionThread(QObject *parent = nullptr);
    ~SessionThread() override;

    // All of these are queued to the network thread and return at once.
    void open(const ClientSession::Options &options) { Q_EMIT openRequested(options); }
    void execute(const QString &line) { Q_EMIT executeRequested(line); }
    void setCurrent(int session, const QString &target) { Q_EMIT setCurrentRequested(session, target); }
    void quit(const QString &reason = {}) { Q_EMIT quitRequested(reason); }
    void fetchOlder(int session, const QString &target, const QString &msgid, const QDateTime &time)
    {
        Q_EMIT fetchOlderRequested(session, target, msgid, time);
    }
    void markRead(int session, const QString &target, const QDateTime &time)
    {
        Q_EMIT markReadRequested(session, target, time);
    }
    void search(int session, const QString &target, const QString &words)
    {
        Q_EMIT searchRequested(session, target, words);
    }

Q_SIGNALS:
    // From the network thread.
    void event(const ChatEvent &event);
    void finished();
    // To the network thread.
    void openRequested(const ClientSession::Options &options);
    void executeRequested(const QString &line);
    void setCurrentRequested(int session, const QString &target);
    void quitRequested(const QString &reason);
    void fetchOlderRequested(int session, const QString &target, const QString &msgid, const QDateTime &time);
    void markReadRequested(int session, const QString &target, const QDateTime &time);
    void searchRequested(int session, const QString &target, const QString &words);

private:
    QThread *m_thread;
    ChatController *m_controller;
};
