// SPDX-License-Identifier: MIT
#include "serverconsole.h"

#include "chatserver.h"

#include <QDateTime>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QStringList>

namespace {

QString bytes(qint64 n)
{
    if (n < 10 * 1024)
        return QStringLiteral("%1 B").arg(n);
    if (n < 10 * 1024 * 1024)
        return QStringLiteral("%1 KB").arg(n / 1024);
    return QStringLiteral("%1 MB").arg(n / (1024 * 1024));
}

QString duration(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
        .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

const char HelpText[] = "help                 this list\n"
                        "myip                 the addresses clients can reach this server on\n"
                        "myport               the ports it listens on\n"
                        "list                 connections: id, nick, address, port, time connected, bytes in/out\n"
                        "terminate ID [WHY]   close connection ID, telling it why\n"
                        "send ID TEXT         a server notice to connection ID\n"
                        "broadcast TEXT       a server notice to everyone\n"
                        "nodes                the cluster: its nodes, their leases and users\n"
                        "exit                 tell every client and shut the server down\n";

} // namespace

ServerConsole::ServerConsole(ChatServer *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{
}

QString ServerConsole::execute(const QString &line)
{
    const QString trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return {};
    const qsizetype space = trimmed.indexOf(u' ');
    const QString command = trimmed.left(space < 0 ? trimmed.size() : space).toLower();
    const QString rest = space < 0 ? QString() : trimmed.mid(space + 1).trimmed();

    auto idAndText = [&](ClientId *id, QString *text) {
        const qsizetype sp = rest.indexOf(u' ');
        bool ok = false;
        *id = rest.left(sp < 0 ? rest.size() : sp).toULongLong(&ok);
        *text = sp < 0 ? QString() : rest.mid(sp + 1).trimmed();
        return ok;
    };

    if (command == u"help" || command == u"?")
        return QString::fromLatin1(HelpText);
    if (command == u"myip")
        return myIp();
    if (command == u"myport")
        return myPort();
    if (command == u"list")
        return list();
    if (command == u"terminate" || command == u"kick") {
        ClientId id;
        QString why;
        if (!idAndText(&id, &why))
            return QStringLiteral("usage: terminate ID [REASON] (ids are in 'list')\n");
        return m_server->terminate(id, why.toUtf8()) ? QStringLiteral("terminated %1\n").arg(id)
                                                     : QStringLiteral("no connection %1\n").arg(id);
    }
    if (command == u"send") {
        ClientId id;
        QString text;
        if (!idAndText(&id, &text) || text.isEmpty())
            return QStringLiteral("usage: send ID TEXT\n");
        return m_server->notice(id, text.toUtf8()) ? QStringLiteral("sent to %1\n").arg(id)
                                                   : QStringLiteral("no connection %1\n").arg(id);
    }
    if (command == u"nodes")
        return nodes();
    if (command == u"broadcast") {
        if (rest.isEmpty())
            return QStringLiteral("usage: broadcast TEXT\n");
        const int n = m_server->broadcast(rest.toUtf8());
        return QStringLiteral("sent to %1 client%2\n").arg(n).arg(n == 1 ? "" : "s");
    }
    if (command == u"exit" || command == u"quit" || command == u"shutdown") {
        Q_EMIT exitRequested();
        return QStringLiteral("shutting down\n");
    }
    return QStringLiteral("unknown command '%1' (try 'help')\n").arg(command);
}

QString ServerConsole::nodes() const
{
    ChatServer::ClusterInfo info;
    if (!m_server->clusterInfo(&info))
        return QStringLiteral("not in a cluster (--cluster joins one)\n");
    QString out = QStringLiteral("%1 %2 %3 %4\n")
                      .arg(QStringLiteral("NODE").leftJustified(20), QStringLiteral("STARTED").leftJustified(20),
                           QStringLiteral("LEASE").rightJustified(8), QStringLiteral("USERS").rightJustified(7));
    for (const ChatServer::NodeInfo &n : std::as_const(info.nodes)) {
        const QString name = QString::fromUtf8(n.name) + (n.self ? QStringLiteral(" (this)") : QString());
        const QString started = n.startedMs > 0 ? QDateTime::fromMSecsSinceEpoch(n.startedMs)
                                                      .toLocalTime()
                                                      .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                                : QStringLiteral("-");
        const QString lease
            = n.leaseLeftMs >= 0 ? QString::number(n.leaseLeftMs / 1000.0, 'f', 1) + u's' : QStringLiteral("expired");
        out += QStringLiteral("%1 %2 %3 %4\n")
                   .arg(name.leftJustified(20), started.leftJustified(20), lease.rightJustified(8),
                        QString::number(n.users).rightJustified(7));
    }
    out += QStringLiteral("Redis %1; stream entries dropped: %2; relayed messages dropped %3, missed %4, unsent %5\n")
               .arg(info.redisReachable ? QStringLiteral("reachable") : QStringLiteral("UNREACHABLE"))
               .arg(info.eventsDropped)
               .arg(info.framesDropped)
               .arg(info.framesMissed)
               .arg(info.framesUnsent);
    return out;
}

QString ServerConsole::list() const
{
    const QList<ChatServer::ConnectionInfo> all = m_server->connections();
    if (all.isEmpty())
        return QStringLiteral("no connections\n");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QString out = QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                      .arg(QStringLiteral("ID").leftJustified(6), QStringLiteral("NICK").leftJustified(16),
                           QStringLiteral("ADDRESS").leftJustified(24), QStringLiteral("PORT").leftJustified(6),
                           QStringLiteral("CONNECTED").leftJustified(10), QStringLiteral("IN").rightJustified(8),
                           QStringLiteral("OUT").rightJustified(8));
    for (const ChatServer::ConnectionInfo &c : all) {
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                   .arg(QString::number(c.id).leftJustified(6),
                        QString::fromUtf8(c.nick.isEmpty() ? QByteArray("-") : c.nick).leftJustified(16),
                        QString::fromLatin1(c.address).leftJustified(24), QString::number(c.port).leftJustified(6),
                        duration(now - c.signonTime).leftJustified(10), bytes(c.bytesIn).rightJustified(8),
                        bytes(c.bytesOut).rightJustified(8));
    }
    out += QStringLiteral("%1 connection%2\n").arg(all.size()).arg(all.size() == 1 ? "" : "s");
    return out;
}

QString ServerConsole::myIp() const
{
    QStringList out;
    for (const ListenAddress &a : m_server->boundAddresses()) {
        const bool any
            = a.host == QHostAddress::Any || a.host == QHostAddress::AnyIPv4 || a.host == QHostAddress::AnyIPv6;
        if (!any) {
            out.append(a.host.toString());
            continue;
        }
        // Bound to every interface: name this machine's addresses.
        for (const QHostAddress &h : QNetworkInterface::allAddresses()) {
            if (a.host == QHostAddress::AnyIPv4 && h.protocol() != QAbstractSocket::IPv4Protocol)
                continue;
            if (!out.contains(h.toString()))
                out.append(h.toString());
        }
    }
    if (out.isEmpty())
        return QStringLiteral("not listening\n");
    out.removeDuplicates();
    return out.join(u'\n') + u'\n';
}

QString ServerConsole::myPort() const
{
    QStringList out;
    for (const ListenAddress &a : m_server->boundAddresses())
        out.append(QString::number(a.port));
    out.removeDuplicates();
    return out.isEmpty() ? QStringLiteral("not listening\n") : out.join(u' ') + u'\n';
}
