// SPDX-License-Identifier: MIT
#include "redisaddress.h"

#include "hostname.h"

#include <QUrl>

namespace {

// Redis's own limit is 16 databases by default; a configured server may have more, but no
// sensible one has millions.
constexpr int MaxDatabase = 65535;

} // namespace

std::optional<RedisAddress> RedisAddress::parse(const QString &text, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<RedisAddress> {
        *error = why;
        return std::nullopt;
    };
    if (!text.startsWith(QLatin1String("redis://")))
        return fail(QStringLiteral("a Redis address starts with redis:// (redis://[:PASSWORD@]HOST:PORT[/DB])"));
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return fail(QStringLiteral("not a valid URL: %1").arg(url.errorString()));
    if (url.hasQuery() || url.hasFragment())
        return fail(QStringLiteral("a Redis address has no ?query or #fragment"));

    RedisAddress address;
    address.host = url.host();
    if (!HostName::isValid(address.host))
        return fail(QStringLiteral("no valid host in the Redis address"));
    if (url.port() == 0)
        return fail(QStringLiteral("port 0 in the Redis address"));
    if (url.port() > 0)
        address.port = quint16(url.port());

    const QString path = url.path();
    if (!path.isEmpty() && path != u"/") {
        bool ok = false;
        const int db = path.mid(1).toInt(&ok);
        if (!ok || db < 0 || db > MaxDatabase || path.mid(1) != QString::number(db))
            return fail(QStringLiteral("the Redis database must be a number from 0 to %1").arg(MaxDatabase));
        address.database = db;
    }
    address.user = url.userName(QUrl::FullyDecoded).toUtf8();
    address.password = url.password(QUrl::FullyDecoded).toUtf8();
    if (!address.user.isEmpty() && address.password.isEmpty())
        return fail(QStringLiteral("a Redis user needs a password (redis://USER:PASSWORD@HOST)"));
    return address;
}

QString RedisAddress::toString() const
{
    const bool v6 = host.contains(u':');
    QString out = QStringLiteral("redis://");
    if (!password.isEmpty())
        out += QString::fromLatin1(user.toPercentEncoding()) + QStringLiteral(":***@");
    out += v6 ? u'[' + host + u']' : host;
    out += u':' + QString::number(port);
    if (database != 0)
        out += u'/' + QString::number(database);
    return out;
}
