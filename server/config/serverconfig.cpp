// SPDX-License-Identifier: MIT
#include "serverconfig.h"

#include "auth/scram.h"

#include <QRandomGenerator>
#include <QThread>
#include <algorithm>

namespace {
constexpr char HashPrefix[] = "pbkdf2-sha256$";
constexpr int HashIterations = 100'000;
} // namespace

QByteArray OperAccount::hash(const QByteArray &password)
{
    QByteArray salt(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()), salt.size() / 4);
    const QByteArray key = Scram::saltedPassword(password, salt, HashIterations); // PBKDF2-SHA256
    return HashPrefix + QByteArray::number(HashIterations) + '$' + salt.toHex() + '$' + key.toHex();
}

bool OperAccount::matches(const QByteArray &password) const
{
    if (!secret.startsWith(HashPrefix))
        return !secret.isEmpty() && secret == password;
    const QList<QByteArray> parts = secret.mid(int(sizeof HashPrefix) - 1).split('$');
    if (parts.size() != 3)
        return false;
    const int iterations = parts.at(0).toInt();
    const QByteArray salt = QByteArray::fromHex(parts.at(1));
    const QByteArray expected = QByteArray::fromHex(parts.at(2));
    if (iterations <= 0 || iterations > 10'000'000 || salt.isEmpty() || expected.isEmpty())
        return false;
    if (expected.size() != 32)
        return false;
    return Scram::equalConstantTime(Scram::saltedPassword(password, salt, iterations), expected);
}

int ServerConfig::defaultThreads() { return std::max(1, QThread::idealThreadCount()); }

QList<QPair<QHostAddress, int>> ServerConfig::defaultExempt()
{
    return {QHostAddress::parseSubnet(QStringLiteral("127.0.0.0/8")),
            QHostAddress::parseSubnet(QStringLiteral("::1/128"))};
}

bool ServerConfig::inAny(const QList<QPair<QHostAddress, int>> &networks, const QHostAddress &address)
{
    // An IPv4 client on a dual-stack listener shows up as ::ffff:a.b.c.d.
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    const QHostAddress plain = mapped ? QHostAddress(v4) : address;
    for (const auto &subnet : networks)
        if (plain.isInSubnet(subnet))
            return true;
    return false;
}

bool ServerConfig::isValidNodeName(QByteArrayView name)
{
    if (name.isEmpty() || name.size() > 32)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool ServerConfig::hasTls() const
{
    return std::any_of(listen.begin(), listen.end(), [](const ListenAddress &a) { return a.tls; });
}

bool ListenAddress::parse(const QString &text, ListenAddress *out, QString *error, quint16 defaultPort)
{
    QString host = text.trimmed();
    QString port;
    if (host.startsWith(u'[')) {
        const qsizetype close = host.indexOf(u']');
        if (close < 0) {
            *error = QStringLiteral("missing ']' in %1").arg(text);
            return false;
        }
        const QString rest = host.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(u':')) {
            *error = QStringLiteral("expected ':' after ']' in %1").arg(text);
            return false;
        }
        port = rest.mid(1);
        host = host.mid(1, close - 1);
    } else if (host.count(u':') == 1) {
        const qsizetype colon = host.indexOf(u':');
        port = host.mid(colon + 1);
        host = host.left(colon);
    } else if (!host.contains(u':') && !host.isEmpty() && host.toUInt() > 0 && !host.contains(u'.')) {
        port = host; // a bare port number
        host.clear();
    }

    ListenAddress result;
    if (host.isEmpty() || host == u"localhost")
        result.host = QHostAddress(QHostAddress::LocalHost);
    else if (host == u"*")
        result.host = QHostAddress(QHostAddress::Any);
    else if (!result.host.setAddress(host)) {
        *error = QStringLiteral("'%1' is not an IP address (use e.g. 127.0.0.1, 0.0.0.0, [::1] or [::])").arg(host);
        return false;
    }
    if (port.isEmpty()) {
        result.port = defaultPort;
    } else {
        bool ok = false;
        const uint value = port.toUInt(&ok);
        if (!ok || value > 65535) {
            *error = QStringLiteral("'%1' is not a port number").arg(port);
            return false;
        }
        result.port = quint16(value);
    }
    *out = result;
    return true;
}

QString ListenAddress::toString() const
{
    if (host.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(host.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(host.toString()).arg(port);
}

QList<QByteArray> ServerConfig::allHistoryEvents() { return {"JOIN", "PART", "QUIT", "KICK", "NICK", "TOPIC", "MODE"}; }
