#pragma once

#include <QDateTime>
#include <QString>

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
