// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

// A message as the views see it: decoded text, who, where, when. Built by ClientSession only.
struct ChatMessage {
    enum class Kind { Message, Action, Notice };
    Kind kind = Kind::Message;
    QDateTime time;
    QString from;   // nick (or server name for server notices)
    QString target; // channel, or the nick a private message was sent to
    QString text;   // decoded, not yet sanitised: each view makes it safe for its medium
    bool isPrivate = false;
    bool isOwn = false;       // sent by this session
    bool isHighlight = false; // mentions our nick
    QString msgid;            // the server's id for it (message-tags), when it gave one
};

// Where a session's connection stands.
enum class SessionState { Disconnected, Connecting, Registering, Connected, Reconnecting };
// "disconnected", "connecting", "registering", "connected", "reconnecting": as views show it and
// the JSON output names it.
QString sessionStateName(SessionState state);

// Everything that happens in a session, as one value type. A session emits these and nothing
// else; both clients render them, and ChatState is built from them alone, so that a view in
// another thread keeps its own copy by applying the same stream.
struct ChatEvent {
    enum class Type {
        Message,       // `message` holds it
        Join,          // nick joined channel
        Part,          // nick left channel (text: reason)
        Kick,          // nick was put out of channel by list[0] (text: reason)
        Quit,          // nick quit (text: reason)
        Nick,          // nick is now text
        Topic,         // channel topic is text (nick set it, when known)
        Names,         // channel's members are list, as NAMES gives them ("@alice"), all of them
        Mode,          // nick changed channel's (or a user's) modes: list is the change and its arguments
        Away,          // nick is away (text) or back (empty text)
        Who,           // one user: nick, text: user@host and real name, channel
        Info,          // a line of information (replies to commands)
        Server,        // what the server tells everyone (welcome, user counts, MOTD)
        Error,         // something went wrong
        Connection,    // a line about the connection (connecting, lost, back)
        State,         // the connection is now `state`; nick is our nick, channel the server "host:port"
        Support,       // the server's ISUPPORT tokens, in list ("PREFIX=(ov)@+", "CHANMODES=...")
        ChannelListed, // one channel of a /list: channel, `count` users, text its topic
        NickList,      // /names asked: channel's members are list ("@alice"), for a view to lay out
        History,       // earlier messages of channel (or a private chat), oldest first, in `messages`;
                       // text is "latest" (fetched on join), "before" (older than what was shown) or
                       // "search" (the server's answer to a search, newest matches)
        ReadMarker,    // the user has read channel (or a private chat) up to `stamp` (draft/read-marker;
                       // invalid: nothing read yet), perhaps on another device
    };
    Type type = Type::Info;
    QDateTime time = QDateTime::currentDateTime();
    int session = 0;
    QString nick;
    QString channel;
    QString text;
    bool own = false; // about this session's own user
    ChatMessage message;
    QStringList list;
    SessionState state = SessionState::Disconnected;
    int count = 0;
    QList<ChatMessage> messages;
    QDateTime stamp;

    // An event of `type` with the common fields.
    static ChatEvent make(Type type, const QString &text, const QString &nick = {}, const QString &channel = {},
                          bool own = false);
};

Q_DECLARE_METATYPE(ChatMessage)
Q_DECLARE_METATYPE(ChatEvent)
