// SPDX-License-Identifier: MIT
#include "ctcp.h"

#include <algorithm>

std::optional<Ctcp::Message> Ctcp::parse(const QString &text)
{
    if (!text.startsWith(QChar(1)))
        return std::nullopt;
    QString body = text.mid(1);
    if (body.endsWith(QChar(1)))
        body.chop(1);
    const qsizetype space = body.indexOf(u' ');
    Message m {(space < 0 ? body : body.left(space)).toUpper(), space < 0 ? QString() : body.mid(space + 1)};
    if (m.command.isEmpty())
        return std::nullopt;
    return m;
}

QString Ctcp::quote(const QString &command, const QString &args)
{
    return QChar(1) + command + (args.isEmpty() ? QString() : u' ' + args) + QChar(1);
}

QString Ctcp::supported() { return QStringLiteral("ACTION CLIENTINFO PING TIME VERSION"); }

std::optional<QString> Ctcp::answer(const Message &request, const QDateTime &now)
{
    if (request.command == u"VERSION")
        return QStringLiteral("confab %1 (Qt %2)").arg(QStringLiteral(CONFAB_VERSION), QString::fromLatin1(qVersion()));
    if (request.command == u"PING")
        return request.args.left(64); // the token back, so the asker can time the round trip
    if (request.command == u"TIME")   // RFC 2822's form, in English whatever the locale
        return now.toString(Qt::RFC2822Date);
    if (request.command == u"CLIENTINFO")
        return supported();
    return std::nullopt;
}

bool Ctcp::allowAnswer(qint64 nowMs)
{
    if (m_lastMs >= 0)
        m_tokens = std::min<double>(Burst, m_tokens + double(nowMs - m_lastMs) * Rate / 1000.0);
    m_lastMs = nowMs;
    if (m_tokens < 1)
        return false;
    m_tokens -= 1;
    return true;
}
