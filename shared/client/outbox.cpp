// SPDX-License-Identifier: MIT
#include "outbox.h"

#include "irccommands.h"

#include "protocol/ircmessage.h"
#include "text/irctext.h"

#include <QObject>

Outbox::Outbox(Hooks hooks, int limit)
    : m_hooks(std::move(hooks))
    , m_limit(limit)
{
}

bool Outbox::send(const IrcMessage &message, const QString &what, const std::optional<ChatMessage> &own)
{
    const std::optional<QByteArray> wire = message.serialize();
    if (!wire) {
        m_hooks.error(QObject::tr("Not sent: the text contains a line break or NUL byte"));
        return false;
    }
    return deliver(wire->chopped(2), what, own);
}

bool Outbox::sendRaw(const QByteArray &line, const QString &what)
{
    if (line.contains('\r') || line.contains('\n') || line.contains('\0')) {
        m_hooks.error(QObject::tr("Not sent: a raw line cannot contain a line break or NUL byte"));
        return false;
    }
    return deliver(line, what, std::nullopt);
}

bool Outbox::deliver(const QByteArray &line, const QString &what, const std::optional<ChatMessage> &own)
{
    switch (m_hooks.mode()) {
    case Mode::Send:
        m_hooks.write(line);
        if (own)
            m_hooks.sent(*own);
        return true;
    case Mode::Refuse:
        m_hooks.error(QObject::tr("Not connected: %1 was not sent").arg(what));
        return false;
    case Mode::Hold:
        break;
    }
    if (m_held.size() >= m_limit) {
        m_hooks.error(QObject::tr("Still reconnecting and %1 messages are waiting: %2 was not sent")
                          .arg(m_held.size())
                          .arg(what));
        return false;
    }
    m_held.append({line, own});
    return true;
}

void Outbox::flush()
{
    const QList<Held> held = std::exchange(m_held, {});
    for (const Held &h : held) {
        m_hooks.write(h.line);
        if (h.own)
            m_hooks.sent(*h.own);
    }
}

ChatMessage Outbox::own(ChatMessage::Kind kind, const QString &target, const QString &text) const
{
    ChatMessage m;
    m.kind = kind;
    m.time = QDateTime::currentDateTime();
    m.from = m_hooks.nick();
    m.target = target;
    m.text = text;
    m.isPrivate = !target.startsWith(u'#') && !target.startsWith(u'&');
    m.isOwn = true;
    return m;
}

void Outbox::message(const QString &target, const QString &text)
{
    if (target.isEmpty() || text.isEmpty())
        return;
    for (const IrcMessage &msg : IrcCommands::privmsg(target, text))
        if (!send(msg, QObject::tr("your message to %1").arg(target),
                  own(ChatMessage::Kind::Message, target, IrcText::decode(msg.param(1)))))
            return;
}

void Outbox::action(const QString &target, const QString &text)
{
    send(IrcCommands::action(target, text), QObject::tr("your action"), own(ChatMessage::Kind::Action, target, text));
}

void Outbox::notice(const QString &target, const QString &text)
{
    send(IrcCommands::notice(target, text), QObject::tr("your notice"), own(ChatMessage::Kind::Notice, target, text));
}

void Outbox::ctcp(const QString &target, const QString &command, const QString &args)
{
    const bool ping = command.compare(u"PING", Qt::CaseInsensitive) == 0 && args.isEmpty();
    const QString payload = ping ? QString::number(QDateTime::currentMSecsSinceEpoch()) : args;
    send(IrcCommands::ctcp(target, command, payload), QObject::tr("your CTCP %1").arg(command.toUpper()));
}
