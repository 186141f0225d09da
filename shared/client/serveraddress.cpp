// SPDX-License-Identifier: MIT
#include "serveraddress.h"

#include <QRegularExpression>
#include <algorithm>

QByteArray ServerAddress::normalizeFingerprint(const QString &text)
{
    QByteArray hex = text.trimmed().toLatin1().toLower();
    if (hex.startsWith("sha256:"))
        hex = hex.mid(7);
    hex.replace(':', "");
    const bool isHex
        = std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    return hex.size() == 64 && isHex ? hex : QByteArray();
}

bool ServerAddress::parse(const QString &input, QString *host, quint16 *port, bool *tls)
{
    QString text = input.trimmed();
    bool secure = false;
    bool schemePort = false;
    if (text.startsWith(u"ircs://", Qt::CaseInsensitive)) {
        secure = true;
        schemePort = true;
        text = text.mid(7);
    } else if (text.startsWith(u"irc://", Qt::CaseInsensitive)) {
        text = text.mid(6);
    }
    if (text.endsWith(u'/'))
        text.chop(1);
    // "host:+6697", the common spelling of a TLS port.
    static const QRegularExpression plusPort(QStringLiteral(R"(:\+(\d+)$)"));
    if (const QRegularExpressionMatch pm = plusPort.match(text); pm.hasMatch()) {
        secure = true;
        text.replace(pm.capturedStart(), 2, QStringLiteral(":"));
    }
    if (secure && !tls)
        return false; // the caller cannot do TLS
    static const QRegularExpression re(QStringLiteral(R"(^(?:\[([^\]]+)\]|([^:\[\]]+))(?::(\d+))?$)"));
    const QRegularExpressionMatch m = re.match(text);
    if (tls)
        *tls = secure;
    if (schemePort && m.hasMatch() && m.captured(3).isEmpty())
        *port = DefaultTlsPort;
    if (!m.hasMatch()) {
        if (text.count(u':') > 1 && !text.contains(u'[')) { // bare IPv6
            *host = text;
            return true;
        }
        return false;
    }
    if (!m.captured(3).isEmpty()) {
        const uint p = m.captured(3).toUInt();
        if (p == 0 || p > 65535)
            return false;
        *port = quint16(p);
    }
    *host = m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
    return true;
}
