// SPDX-License-Identifier: MIT
#pragma once

#include "capnegotiation.h"
#include "chatevent.h"
#include "chatstate.h"
#include "ctcp.h"
#include "historyrequests.h"
#include "outbox.h"
#include "serveraddress.h"
#include "serverconnection.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <optional>

class IrcMessage;
class QTimer;

// One connection to an IRC server (Confab's or any other) and everything a chat view needs from
// it, as ChatEvents: the views never parse IRC. It registers (trying nick_, nick__ ... when the
// nick is taken), negotiates the IRCv3 capabilities it knows, joins its channels, answers PING,
// and when the connection drops it reconnects with back-off and rejoins. Messages sent while
// disconnected are queued (up to a limit) and sent after registration; past the limit they are
// refused with an error signal, never dropped silently.
//
// Thread-agnostic: it lives in whichever thread creates it (or it is moved to), and all its
// children follow.
class ClientSession : public QObject {
    Q_OBJECT
public:
    using State = SessionState;

    struct Endpoint {
        QString host;
        quint16 port = ServerAddress::DefaultPort;
        friend bool operator==(const Endpoint &, const Endpoint &) = default;
    };
    struct Options {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = ServerAddress::DefaultPort;
        // Other servers of the same network (nodes of one cluster, docs/cluster.md): when a
        // connection fails or drops, the next attempt goes to the next address in turn, host:port
        // first. A session that registered stays with the address that worked.
        QList<Endpoint> alternates;
        QString nick;
        QString user;     // defaults to the nick
        QString realName; // defaults to the nick
        QString password;
        // TLS: the certificate is verified against the system's CAs unless it matches
        // tlsFingerprint (SHA-256, hex, colons optional: pins a self-signed certificate) or
        // tlsInsecure is set (nothing is checked; callers say so loudly).
        bool tls = false;
        QString tlsFingerprint;
        bool tlsInsecure = false;
        QStringList channels {QStringLiteral("#lobby")};
        bool autoReconnect = true;
        // Whether a first connection that never registered is retried too. Scripts want an
        // immediate answer instead.
        bool retryFirstConnection = true;
        int reconnectMinMs = 500;
        int reconnectMaxMs = 30'000;
        int maxQueued = 200;
        // SASL: log in to `account` with `accountPassword` while connecting (SCRAM-SHA-256 when
        // the server offers it, else PLAIN, unless saslMechanism says), or with the TLS client
        // certificate tlsCertFile/tlsKeyFile (EXTERNAL). A failed login is not tried again on
        // reconnect: a wrong password stays wrong.
        QString account;
        QByteArray accountPassword;
        QString saslMechanism;
        QString tlsCertFile;
        QString tlsKeyFile;
    };

    explicit ClientSession(QObject *parent = nullptr);

    ~ClientSession() override;

    void setOptions(const Options &options)
    {
        m_options = options;
        m_cap.forgetFailure();
        m_outbox.setLimit(options.maxQueued);
    }
    // The account logged in to; empty if none.
    QString account() const { return m_account; }
    const Options &options() const { return m_options; }

    void open();
    // Sends QUIT (when connected), closes, and does not reconnect.
    void quit(const QString &reason = {});

    // Actions. Each one either goes out now, is queued for after reconnect, or emits an error
    // event. Commands with no more to them than their message are sent with send(IrcCommands::...).
    bool send(const IrcMessage &msg);
    // Our own text, shown as ours once it goes out (the server's copy, with echo-message).
    void sendMessage(const QString &target, const QString &text) { m_outbox.message(target, text); }
    void sendAction(const QString &target, const QString &text) { m_outbox.action(target, text); }
    void sendNotice(const QString &target, const QString &text) { m_outbox.notice(target, text); }
    // A CTCP request (VERSION, TIME, CLIENTINFO...). PING without args carries the time, so
    // that the reply shows the round trip.
    void sendCtcp(const QString &target, const QString &command, const QString &args = {})
    {
        m_outbox.ctcp(target, command, args);
    }
    // Remembered for the next registration when not connected.
    void join(const QString &channel);
    void changeNick(const QString &nick);
    // The topic, with "has no topic" said when there is none.
    void requestTopic(const QString &channel);
    void sendRaw(const QString &line);
    void registerAccount(const QString &password);
    // History, where the server offers draft/chathistory (a History event answers): the latest
    // messages of a conversation (asked by itself on every join), and those before the oldest a
    // view shows.
    static constexpr int HistoryPage = 50;
    bool offersHistory() const { return m_cap.isEnabled(QStringLiteral("draft/chathistory")); }
    void requestLatest(const QString &target);
    void requestBefore(const QString &target, const QString &msgid, const QDateTime &time);
    // The server's full-text search of a conversation (confab/search); a History event with
    // text "search" answers.
    bool offersSearch() const { return m_cap.isOffered(QStringLiteral("confab/search")); }
    void search(const QString &target, const QString &words);
    // The user has read the conversation up to `time`: told to the server (draft/read-marker)
    // when that is further than it knows, so that the user's other devices know too.
    void markRead(const QString &target, const QDateTime &time);
    // Emits synced(token) once the server has handled everything sent before it.
    void sync(const QString &token);

    State state() const { return m_state; }
    // The number events carry, so that a view with several sessions tells them apart.
    void setId(int id) { m_id = id; }
    int id() const { return m_id; }
    // quit() was called: the coming disconnect is the user's wish, not a failure.
    bool quitRequested() const { return m_userQuit; }
    QString nick() const { return m_nick; }
    QString serverName() const { return m_serverName; }
    QStringList channels() const { return m_channelOrder; }
    // A channel's members: bare nicks, or as a user list shows them ("@alice"), highest status
    // first; in the same order.
    QStringList users(const QString &channel) const { return m_chat.nicks(channel); }
    QStringList members(const QString &channel) const { return m_chat.members(channel); }
    QString topic(const QString &channel) const { return m_chat.topic(channel); }
    QSet<QString> enabledCaps() const { return m_cap.enabled(); }
    QHostAddress localAddress() const;
    quint16 localPort() const;
    bool isChannel(const QString &target) const { return target.startsWith(u'#') || target.startsWith(u'&'); }

Q_SIGNALS:
    // Everything the session has to say, for views and for its own ChatState alike.
    void event(const ChatEvent &event);
    // sync(token) is done: everything sent before it has been answered.
    void synced(const QString &token);

private:
    // Every event goes out through here, so that the session's own ChatState is built from
    // exactly what the views see.
    void emitEvent(ChatEvent event);
    void say(ChatEvent::Type type, const QString &text) { emitEvent(ChatEvent::make(type, text)); }
    void setState(State state, const QString &reason = {});
    void onConnected();
    void onConnectionClosed(const QString &reason, bool final);
    void scheduleReconnect(const QString &why);
    void handle(const IrcMessage &msg);
    void handleNumeric(int code, const IrcMessage &msg);
    // What a command means for the session (the channels to rejoin, our nick), then the event.
    void handleEvent(const ChatEvent &event, const IrcMessage &msg);
    // A CTCP request (answered, within Ctcp's rate) or reply (shown), never shown as chat.
    void handleCtcp(const ChatMessage &m);
    void completeRegistration(const QString &nick);
    void sendLine(const QByteArray &line);
    void sendCommand(const QByteArray &command, const QList<QByteArray> &params, bool trailing = false);
    // At once, registered or not (registration, PONG, CTCP answers).
    void sendNow(const IrcMessage &msg);
    void emitMessage(const ChatMessage &m);
    QString address() const { return QStringLiteral("%1:%2").arg(m_options.host).arg(m_options.port); }

    Options m_options;
    int m_id = 0;
    ServerConnection *m_connection; // the socket, TLS, and lines
    QTimer *m_reconnectTimer = nullptr;
    State m_state = State::Disconnected;
    bool m_userQuit = false;
    bool m_everRegistered = false;
    int m_attempt = 0; // reconnect attempts since the last registration
    // The address in use: 0 is host:port, then the alternates. How many of them the current
    // series of attempts has tried (a script's first connection tries each once).
    int m_endpoint = 0;
    int m_triedInSeries = 0;
    Endpoint currentEndpoint() const;
    int m_nickAttempt = 0;
    QString m_nick;
    QString m_serverName;
    QString m_lastError;
    CapNegotiation m_cap;
    QString m_account;
    QStringList m_channelOrder;          // channels we are in (or rejoin), as named
    ChatState m_chat;                    // members with their status, topics
    QHash<QString, QStringList> m_names; // NAMES replies in progress, by channel
    QSet<QString> m_topicAsked;          // channels whose topic /topic asked for
    Ctcp m_ctcp;                         // the rate of CTCP answers
    HistoryRequests m_history;           // history and search answers, read markers
    Outbox m_outbox;                     // what the user sends, held while away
};
