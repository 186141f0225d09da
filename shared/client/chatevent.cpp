// SPDX-License-Identifier: MIT
#include "chatevent.h"

QString sessionStateName(SessionState state)
{
    switch (state) {
    case SessionState::Disconnected:
        return QStringLiteral("disconnected");
    case SessionState::Connecting:
        return QStringLiteral("connecting");
    case SessionState::Registering:
        return QStringLiteral("registering");
    case SessionState::Connected:
        return QStringLiteral("connected");
    case SessionState::Reconnecting:
        return QStringLiteral("reconnecting");
    }
    return {};
}

ChatEvent ChatEvent::make(Type type, const QString &text, const QString &nick, const QString &channel, bool own)
{
    ChatEvent ev;
    ev.type = type;
    ev.text = text;
    ev.nick = nick;
    ev.channel = channel;
    ev.own = own;
    return ev;
}
