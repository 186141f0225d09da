// SPDX-License-Identifier: MIT
#include "postgresaddress.h"

#include "hostname.h"

#include <QUrl>

namespace {

bool validName(const QString &name, int max)
{
    if (name.isEmpty() || name.size() > max)
        return false;
    for (QChar c : name) {
        if (c.unicode() < 0x21 || c.unicode() == 0x7f)
            return false;
    }
    return true;
}

} // namespace

bool PostgresAddress::looksLikeOne(const QString &text)
{
    return text.startsWith(QLatin1String("postgresql://")) || text.startsWith(QLatin1String("postgres://"));
}

std::optional<PostgresAddress> PostgresAddress::parse(const QString &text, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<PostgresAddress> {
        *error = why;
        return std::nullopt;
    };
    if (!looksLikeOne(text))
        return fail(QStringLiteral("a PostgreSQL address starts with postgresql:// "
                                   "(postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE)"));
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return fail(QStringLiteral("not a valid URL: %1").arg(url.errorString()));
    if (url.hasQuery() || url.hasFragment())
        return fail(QStringLiteral("a PostgreSQL address has no ?query or #fragment"));
    PostgresAddress a;
    a.host = url.host();
    if (!HostName::isValid(a.host))
        return fail(QStringLiteral("no valid host in the PostgreSQL address"));
    if (url.port() == 0)
        return fail(QStringLiteral("port 0 in the PostgreSQL address"));
    if (url.port() > 0)
        a.port = quint16(url.port());
    a.user = url.userName(QUrl::FullyDecoded);
    a.password = url.password(QUrl::FullyDecoded);
    if (!validName(a.user, 63))
        return fail(QStringLiteral("the PostgreSQL address needs a user (postgresql://USER@HOST/DATABASE)"));
    const QString path = url.path(QUrl::FullyDecoded);
    a.database = path.startsWith(u'/') ? path.mid(1) : path;
    if (!validName(a.database, 63) || a.database.contains(u'/'))
        return fail(QStringLiteral("the PostgreSQL address needs a database (postgresql://USER@HOST/DATABASE)"));
    return a;
}

QString PostgresAddress::toString() const
{
    // Concatenated, not QString::arg(): a percent-encoded user ("%3D") would be taken for a
    // placeholder by a later arg().
    const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
    return QStringLiteral("postgresql://") + QString::fromLatin1(QUrl::toPercentEncoding(user))
           + (password.isEmpty() ? QString() : QStringLiteral(":***")) + u'@' + shownHost + u':' + QString::number(port)
           + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(database));
}
