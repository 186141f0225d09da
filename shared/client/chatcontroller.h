// SPDX-License-Identifier: MIT
#pragma once

#include "chatcommand.h"
#include "chatevent.h"
#include "clientsession.h"

#include <QList>
#include <QObject>
#include <optional>

// What both chat views share above the sessions: carries out typed commands, keeps several
// sessions (/connect, /list, /terminate, /send), remembers the current conversation, and passes
// every session's ChatEvents on for the view to render.
class ChatController : public QObject {
    Q_OBJECT
public:
    explicit ChatController(QObject *parent = nullptr);
    ~ChatController() override;

    // Opens a session; the first one (or one opened with /connect) becomes the active one.
    int openSession(const ClientSession::Options &options);
    void execute(const QString &line);
    void execute(const ChatCommand &command);
    // Input is over (EOF): once every session has sent what it was given and the server has
    // answered, quit them all. finished() follows.
    void finishInput();
    void quitAll(const QString &reason = {});

    ClientSession *activeSession() const;
    int activeId() const { return m_active; }
    QString currentTarget() const;
    QList<int> sessionIds() const;
    ClientSession *session(int id) const;
    QString currentTarget(int id) const;
    void setCurrentTarget(const QString &target);
    // Makes `session` the active one and `target` its current conversation (a view's selection).
    void setCurrent(int session, const QString &target);
    // History before the oldest message a view shows (a History event answers), and how far the
    // user has read a conversation (told to the server, for the user's other devices).
    void fetchOlder(int session, const QString &target, const QString &msgid, const QDateTime &time);
    void markRead(int session, const QString &target, const QDateTime &time);
    void search(int session, const QString &target, const QString &words);

Q_SIGNALS:
    void event(const ChatEvent &event);
    // Something the status line shows changed (state, nick, channel, users).
    void statusChanged();
    // Every session has been closed after a quit.
    void finished();

private:
    struct Entry {
        int id;
        ClientSession *session;
        QString current;
        QSet<QString> pendingNames;        // /names of channels we are not in, asked of the server
        std::optional<QString> listFilter; // a /list in progress, and what it is filtered by
    };
    Entry *entry(int id);
    const Entry *entry(int id) const;
    void onSessionEvent(const ChatEvent &event);
    void emitEvent(ChatEvent::Type type, int session, const QString &text, const QString &nick = {},
                   const QString &channel = {}, bool own = false);
    void info(const QString &text) { emitEvent(ChatEvent::Type::Info, m_active, text); }
    void fail(const QString &text) { emitEvent(ChatEvent::Type::Error, m_active, text); }
    void say(int id, const QString &text);
    void checkFinished();
    // /ignore: a nick, or a pattern with * and ?.
    bool isIgnored(const QString &nick) const;
    // "#lobby (3 users): @alice +bob carol".
    void sayNames(const ClientSession *s, const QString &channel);

    QList<Entry> m_entries;
    int m_active = 0;
    int m_nextId = 1;
    bool m_quitting = false;
    QSet<QString> m_pendingSyncs;
    QStringList m_ignored;
};
