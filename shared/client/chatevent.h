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
    QString from;     // nick (or server name for server notices)
    QString target;   // channel, or the nick a private message was sent to
    QString text;     // decoded, not yet sanitised: each view makes it safe for its medium
    bool isPrivate = false;
    bool isOwn = false; // sent by this session
    bool isHighlight = false; // mentions our nick
};

// Everything a chat view shows, as one value type: both clients render these and nothing else.
struct ChatEvent {
    enum class Type {
        Message,    // `message` holds it
        Join,       // nick joined channel
        Part,       // nick left channel (text: reason)
        Quit,       // nick quit (text: reason)
        Nick,       // nick is now text
        Topic,      // channel topic is text (nick set it, when known)
        Away,       // nick is away (text) or back (empty text)
        Who,        // one user: nick, text: user@host and real name, channel
        Info,       // a line of information (replies to commands)
        Server,     // what the server tells everyone (welcome, user counts, MOTD)
        Error,      // something went wrong
        Connection, // the connection state changed (text says how)
        // For views in another thread, which cannot ask the session: snapshots of its state.
        Users,      // channel's members are `list` (sorted, operators first)
        State,      // own nick is nick, server "host:port" is channel, text is the state name
    };
    Type type = Type::Info;
    QDateTime time = QDateTime::currentDateTime();
    int session = 0;
    QString nick;
    QString channel;
    QString text;
    bool own = false;
    ChatMessage message;
    QStringList list;
};

Q_DECLARE_METATYPE(ChatMessage)
Q_DECLARE_METATYPE(ChatEvent)
