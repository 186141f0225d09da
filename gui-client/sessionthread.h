#pragma once

#include "client/chatevent.h"
#include "client/clientsession.h"

#include <QObject>

class ChatController;
class QThread;

// The network side of the desktop client: a ChatController (and so every socket) living in a
// thread of its own, so that the window never waits on the network. Everything crosses the
// thread boundary as queued calls and queued signals carrying values (ChatEvent).
class SessionThread : public QObject {
    Q_OBJECT
public:
    explicit SessionThread(QObject *parent = nullptr);
    ~SessionThread() override;

    // All of these are queued to the network thread and return at once.
    void open(const ClientSession::Options &options);
    void execute(const QString &line);
    void setCurrent(int session, const QString &target);
    void quit(const QString &reason = {});

Q_SIGNALS:
    void event(const ChatEvent &event);
    void finished();

private:
    QThread *m_thread;
    ChatController *m_controller;
};
