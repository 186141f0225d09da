// SPDX-License-Identifier: MIT
#include "rawclient.h"

#include <QTest>

RawClient::RawClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &RawClient::onReadyRead);
}

bool RawClient::connectTo(const QHostAddress &host, quint16 port)
{
    m_socket.connectToHost(host, port);
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
}

bool RawClient::connectToTls(const QHostAddress &host, quint16 port, const QSslCertificate &trusted)
{
    QSslConfiguration config = m_socket.sslConfiguration();
    config.setCaCertificates({trusted});
    m_socket.setSslConfiguration(config);
    m_socket.connectToHostEncrypted(host.toString(), port);
    return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, 5000);
}

void RawClient::send(const QByteArray &line) { sendRaw(line + "\r\n"); }

void RawClient::sendRaw(const QByteArray &bytes) { m_socket.write(bytes); }

bool RawClient::registerAs(const QByteArray &nick, const QByteArray &autojoin)
{
    send("NICK " + nick);
    send("USER " + nick + " 0 * :Test user " + nick);
    if (!waitForCommand("001"))
        return false;
    if (autojoin.isEmpty())
        return waitFor([](const IrcMessage &m) { return m.command == "376" || m.command == "422"; }).has_value();
    return waitFor([&](const IrcMessage &m) { return m.command == "366" && m.param(1) == autojoin; }).has_value();
}

bool RawClient::registerWithCaps(const QByteArray &nick, const QByteArray &caps, const QByteArray &autojoin)
{
    send("CAP REQ :" + caps);
    const auto answer = waitFor([](const IrcMessage &m) { return m.command == "CAP"; });
    if (!answer || answer->param(1) != "ACK")
        return false;
    send("CAP END");
    return registerAs(nick, autojoin);
}

std::optional<RawClient::Batch> RawClient::waitForBatch(const QByteArray &type, int timeoutMs)
{
    const auto start = waitFor(
        [&](const IrcMessage &m) { return m.command == "BATCH" && m.param(0).startsWith('+') && m.param(1) == type; },
        timeoutMs);
    if (!start)
        return std::nullopt;
    const QByteArray ref = start->param(0).mid(1);
    Batch batch {*start, {}};
    const auto end = waitFor(
        [&](const IrcMessage &m) {
            if (m.command == "BATCH" && m.param(0) == '-' + ref)
                return true;
            if (m.tag("batch") == ref)
                batch.lines.append(m);
            return false;
        },
        timeoutMs);
    if (!end)
        return std::nullopt;
    return batch;
}

std::optional<IrcMessage> RawClient::waitFor(const Predicate &pred, int timeoutMs)
{
    std::optional<IrcMessage> found;
    [[maybe_unused]] const bool matched = QTest::qWaitFor(
        [&] {
            for (; m_cursor < m_messages.size(); ++m_cursor) {
                if (pred(m_messages.at(m_cursor))) {
                    found = m_messages.at(m_cursor++);
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

std::optional<IrcMessage> RawClient::waitForCommand(const QByteArray &cmd, int timeoutMs)
{
    return waitFor(command(cmd), timeoutMs);
}

bool RawClient::sync(int timeoutMs)
{
    const QByteArray token = "sync" + QByteArray::number(++m_syncCounter);
    send("PING :" + token);
    return waitFor([&](const IrcMessage &m) { return m.command == "PONG" && m.params.contains(token); }, timeoutMs)
        .has_value();
}

bool RawClient::waitForDisconnected(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
}

QList<QByteArray> RawClient::isupport() const
{
    QList<QByteArray> out;
    for (const IrcMessage &m : all(command("005")))
        out += m.params.mid(1, m.params.size() - 2); // between the nick and the closing text
    return out;
}

QList<IrcMessage> RawClient::all(const Predicate &pred) const
{
    QList<IrcMessage> out;
    for (const IrcMessage &m : m_messages)
        if (pred(m))
            out.append(m);
    return out;
}

RawClient::Predicate RawClient::command(const QByteArray &cmd)
{
    return [cmd](const IrcMessage &m) { return m.command == cmd; };
}

void RawClient::onReadyRead()
{
    m_buffer.append(m_socket.readAll());
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = m_buffer.indexOf('\n', start);
        if (nl < 0)
            break;
        QByteArrayView line(m_buffer.constData() + start, nl - start);
        if (line.endsWith('\r'))
            line.chop(1);
        if (std::optional<IrcMessage> msg = IrcMessage::parse(line))
            m_messages.append(std::move(*msg));
        else if (!line.isEmpty())
            qWarning("RawClient: unparseable line from server: %s", line.toByteArray().constData());
        start = nl + 1;
    }
    m_buffer.remove(0, start);
}
