#include "clientsession.h"

#include "saslclient.h"

#include "protocol/ircmessage.h"
#include "protocol/numerics.h"
#include "text/irctext.h"

#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <QCryptographicHash>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>

namespace {
// What this session knows how to use; it asks for the ones the server offers.
const QStringList WantedCaps = {QStringLiteral("server-time"), QStringLiteral("echo-message"),
                                QStringLiteral("multi-prefix"), QStringLiteral("away-notify"),
                                QStringLiteral("message-tags")};

QByteArray utf8(const QString &s) { return s.toUtf8(); }

// "45 s", "3 min 12 s", "2 h 5 min", "4 days 2 h": the two largest units.
QString humanDuration(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    const qint64 days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60, secs = seconds % 60;
    if (days > 0)
        return QObject::tr("%1 days %2 h").arg(days).arg(hours);
    if (hours > 0)
        return QObject::tr("%1 h %2 min").arg(hours).arg(minutes);
    if (minutes > 0)
        return QObject::tr("%1 min %2 s").arg(minutes).arg(secs);
    return QObject::tr("%1 s").arg(secs);
}

// A moment from the server (seconds since the epoch) in local time, as the user reads dates.
QString humanTime(qint64 secondsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch).toString(QStringLiteral("ddd d MMM yyyy HH:mm"));
}

} // namespace

ClientSession::ClientSession(QObject *parent)
    : QObject(parent)
    , m_socket(new QSslSocket(this))
    , m_reconnectTimer(new QTimer(this))
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &ClientSession::open);
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        if (!m_options.tls)
            onConnected();
    });
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        if (!pinMatches()) {
            // Valid for some CA, but not the certificate the user pinned.
            m_lastError = tr("TLS certificate of %1 does not match --tls-fingerprint (it is SHA-256 %2)")
                              .arg(m_options.host, QString::fromLatin1(m_socket->peerCertificate().digest(QCryptographicHash::Sha256).toHex(':')).toUpper());
            m_tlsRefused = true;
            m_socket->abort();
            onSocketClosed(m_lastError);
            return;
        }
        onConnected();
    });
    connect(m_socket, &QSslSocket::sslErrors, this, &ClientSession::onSslErrors);
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientSession::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { onSocketClosed(QStringLiteral("Connection closed")); });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError err) {
        if (err == QAbstractSocket::RemoteHostClosedError)
            return; // disconnected() follows
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            onSocketClosed(m_socket->errorString());
    });
}

QString ClientSession::stateName(State state)
{
    switch (state) {
    case State::Disconnected: return QStringLiteral("disconnected");
    case State::Connecting: return QStringLiteral("connecting");
    case State::Registering: return QStringLiteral("registering");
    case State::Connected: return QStringLiteral("connected");
    case State::WaitingToReconnect: return QStringLiteral("reconnecting");
    }
    return {};
}

ClientSession::~ClientSession()
{
    m_socket->disconnect(this);
}

void ClientSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ClientSession::open()
{
    m_userQuit = false;
    m_reconnectTimer->stop();
    m_reader = LineReader();
    m_lastError.clear();
    setState(State::Connecting);
    m_socket->abort();
    if (m_options.tls) {
        m_tlsRefused = false;
        if (!m_options.tlsCertFile.isEmpty()) {
            // A client certificate, for SASL EXTERNAL.
            QSslCertificate certificate;
            QSslKey key;
            QString why;
            if (loadClientCertificate(m_options.tlsCertFile, m_options.tlsKeyFile, &certificate, &key, &why)) {
                m_socket->setLocalCertificate(certificate);
                m_socket->setPrivateKey(key);
            } else {
                Q_EMIT error(why);
            }
        }
        m_socket->connectToHostEncrypted(m_options.host, m_options.port);
    } else {
        m_socket->connectToHost(m_options.host, m_options.port);
    }
}

bool ClientSession::loadClientCertificate(const QString &certFile, const QString &keyFile, QSslCertificate *certificate,
                                          QSslKey *key, QString *error)
{
    QFile certIn(certFile);
    if (!certIn.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(certFile, certIn.errorString());
        return false;
    }
    *certificate = QSslCertificate(&certIn, QSsl::Pem);
    if (certificate->isNull()) {
        *error = tr("%1 holds no PEM certificate").arg(certFile);
        return false;
    }
    const QString keyPath = keyFile.isEmpty() ? certFile : keyFile;
    QFile keyIn(keyPath);
    if (!keyIn.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(keyPath, keyIn.errorString());
        return false;
    }
    const QByteArray pem = keyIn.readAll();
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        *key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key->isNull())
            return true;
    }
    *error = tr("%1 holds no unencrypted PEM private key").arg(keyPath);
    return false;
}

bool ClientSession::pinMatches() const
{
    if (m_options.tlsFingerprint.isEmpty())
        return true;
    const QByteArray pinned = ServerAddress::normalizeFingerprint(m_options.tlsFingerprint);
    return !pinned.isEmpty() && m_socket->peerCertificate().digest(QCryptographicHash::Sha256).toHex() == pinned;
}

void ClientSession::onSslErrors(const QList<QSslError> &errors)
{
    const QSslCertificate cert = m_socket->peerCertificate();
    const QString fingerprint = QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':')).toUpper();
    if (!m_options.tlsFingerprint.isEmpty() && !cert.isNull()) {
        if (pinMatches()) {
            m_socket->ignoreSslErrors(); // the user vouched for exactly this certificate
            return;
        }
        m_lastError = tr("TLS certificate of %1 does not match --tls-fingerprint (it is SHA-256 %2)").arg(m_options.host, fingerprint);
        m_tlsRefused = true;
        return; // not ignored: the handshake fails and the socket closes
    }
    if (m_options.tlsInsecure) {
        m_socket->ignoreSslErrors();
        Q_EMIT error(tr("TLS certificate NOT verified (--insecure): anyone between you and %1 can read and change "
                        "this conversation").arg(m_options.host));
        return;
    }
    QStringList why;
    for (const QSslError &e : errors)
        why.append(e.errorString());
    why.removeDuplicates();
    m_lastError = tr("TLS certificate of %1 not trusted: %2. If you trust it, connect with --tls-fingerprint %3")
                      .arg(m_options.host, why.join(QStringLiteral("; ")), fingerprint);
    m_tlsRefused = true;
}

void ClientSession::quit(const QString &reason)
{
    m_userQuit = true;
    m_reconnectTimer->stop();
    m_queue.clear();
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        sendCommand("QUIT", {utf8(reason.isEmpty() ? QStringLiteral("Leaving") : reason)}, true);
        m_socket->disconnectFromHost(); // flushes the QUIT, then disconnected()
    } else {
        m_socket->abort();
        if (m_state != State::Disconnected) {
            setState(State::Disconnected);
            Q_EMIT disconnected(QStringLiteral("Quit"));
        }
    }
}

void ClientSession::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_nickAttempt = 0;
    m_caps.clear();
    m_capsOffered.clear();
    m_saslMechanisms.clear();
    m_sasl.reset();
    m_account.clear();
    setState(State::Registering);
    sendLine("CAP LS 302");
    if (!m_options.password.isEmpty())
        sendCommand("PASS", {utf8(m_options.password)});
    sendCommand("NICK", {utf8(m_options.nick)});
    const QString user = m_options.user.isEmpty() ? m_options.nick : m_options.user;
    const QString real = m_options.realName.isEmpty() ? m_options.nick : m_options.realName;
    sendCommand("USER", {utf8(user), "0", "*", utf8(real)}, true);
}

void ClientSession::onSocketClosed(const QString &reason)
{
    if (m_state == State::Disconnected || m_state == State::WaitingToReconnect)
        return;
    const QString why = m_lastError.isEmpty() ? reason : m_lastError;
    m_chat.clear();
    // A certificate that failed verification fails again: retrying would only hide the reason.
    if (m_userQuit || m_tlsRefused || !m_options.autoReconnect || (!m_everRegistered && !m_options.retryFirstConnection)) {
        setState(State::Disconnected);
        Q_EMIT disconnected(why);
        return;
    }
    Q_EMIT disconnected(why);
    scheduleReconnect();
}

void ClientSession::scheduleReconnect()
{
    ++m_attempt;
    // Exponential back-off with jitter, so that a restarted server is not hit by every client
    // at the same instant.
    const qint64 base = std::min<qint64>(qint64(m_options.reconnectMinMs) << std::min(m_attempt - 1, 16),
                                         m_options.reconnectMaxMs);
    const int delay = int(base / 2 + QRandomGenerator::global()->bounded(base / 2 + 1));
    setState(State::WaitingToReconnect);
    Q_EMIT reconnectScheduled(m_attempt, delay);
    m_reconnectTimer->start(delay);
}

void ClientSession::onReadyRead()
{
    m_reader.append(m_socket->readAll());
    QByteArray line;
    for (;;) {
        const LineReader::Result r = m_reader.next(&line);
        if (r == LineReader::Result::NeedMore)
            break;
        if (r == LineReader::Result::TooLong || line.isEmpty())
            continue;
        if (const std::optional<IrcMessage> msg = IrcMessage::parse(line))
            handle(*msg);
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            break;
    }
}

void ClientSession::sendLine(const QByteArray &line)
{
    m_socket->write(line + "\r\n");
}

void ClientSession::sendCommand(const QByteArray &command, const QList<QByteArray> &params, bool trailing)
{
    IrcMessage msg(command, params);
    msg.trailing = trailing;
    if (const std::optional<QByteArray> wire = msg.serialize())
        m_socket->write(*wire);
    else
        Q_EMIT error(tr("Not sent: the text contains a line break or NUL byte"));
}

bool ClientSession::queueMessage(const IrcMessage &msg, const QString &what, const std::optional<ChatMessage> &own)
{
    const std::optional<QByteArray> wire = msg.serialize();
    if (!wire) {
        Q_EMIT error(tr("Not sent: the text contains a line break or NUL byte"));
        return false;
    }
    return deliverOrQueue(wire->chopped(2), what, own);
}

bool ClientSession::deliverOrQueue(const QByteArray &line, const QString &what, const std::optional<ChatMessage> &own)
{
    if (m_state == State::Connected) {
        sendLine(line);
        lineSent(own);
        return true;
    }
    if (m_userQuit || m_state == State::Disconnected) {
        Q_EMIT error(tr("Not connected: %1 was not sent").arg(what));
        return false;
    }
    if (m_queue.size() >= m_options.maxQueued) {
        Q_EMIT error(tr("Still reconnecting and %1 messages are waiting: %2 was not sent").arg(m_queue.size()).arg(what));
        return false;
    }
    m_queue.append({line, own});
    return true;
}

void ClientSession::lineSent(const std::optional<ChatMessage> &own)
{
    // With echo-message the server's copy is the one shown, with the server's timestamp.
    if (own && !m_caps.contains(QStringLiteral("echo-message"))) {
        ChatMessage m = *own;
        m.time = QDateTime::currentDateTime();
        m.from = m_nick;
        Q_EMIT messageReceived(m);
    }
}

ChatMessage ClientSession::ownMessage(ChatMessage::Kind kind, const QString &target, const QString &text) const
{
    ChatMessage m;
    m.kind = kind;
    m.time = QDateTime::currentDateTime();
    m.from = m_nick.isEmpty() ? m_options.nick : m_nick;
    m.target = target;
    m.text = text;
    m.isPrivate = !isChannel(target);
    m.isOwn = true;
    return m;
}

namespace {
// A PRIVMSG's text split so that each line fits the 512-byte limit once the server prefixes it
// with our full hostmask (up to about 100 bytes), never inside a UTF-8 sequence.
QList<QByteArray> splitText(const QByteArray &text, qsizetype budget)
{
    QList<QByteArray> parts;
    qsizetype pos = 0;
    while (text.size() - pos > budget) {
        qsizetype cut = pos + budget;
        while (cut > pos && (uchar(text.at(cut)) & 0xc0) == 0x80)
            --cut;
        const qsizetype space = text.lastIndexOf(' ', cut);
        if (space > pos + budget / 2)
            cut = space + 1;
        parts.append(text.mid(pos, cut - pos));
        pos = cut;
    }
    parts.append(text.mid(pos));
    return parts;
}
} // namespace

void ClientSession::sendMessage(const QString &target, const QString &text)
{
    if (target.isEmpty() || text.isEmpty())
        return;
    const QByteArray t = utf8(target);
    const qsizetype budget = 400 - t.size();
    for (const QByteArray &part : splitText(utf8(text), budget)) {
        IrcMessage msg("PRIVMSG", {t, part});
        msg.trailing = true;
        if (!queueMessage(msg, tr("your message to %1").arg(target),
                          ownMessage(ChatMessage::Kind::Message, target, IrcText::decode(part))))
            return;
    }
}

void ClientSession::sendAction(const QString &target, const QString &text)
{
    const QByteArray ctcp = "\x01" "ACTION " + utf8(text) + "\x01";
    IrcMessage msg("PRIVMSG", {utf8(target), ctcp});
    msg.trailing = true;
    queueMessage(msg, tr("your action"), ownMessage(ChatMessage::Kind::Action, target, text));
}

void ClientSession::sendCtcp(const QString &target, const QString &command, const QString &args)
{
    const QString name = command.toUpper();
    const QString payload = name == u"PING" && args.isEmpty() ? QString::number(QDateTime::currentMSecsSinceEpoch()) : args;
    IrcMessage msg("PRIVMSG", {utf8(target), utf8(Ctcp::quote(name, payload))});
    msg.trailing = true;
    queueMessage(msg, tr("your CTCP %1").arg(name));
}

void ClientSession::handleCtcp(const ChatMessage &m)
{
    const std::optional<Ctcp::Message> ctcp = Ctcp::parse(m.text);
    if (!ctcp || m.isOwn)
        return; // our own request, echoed
    if (m.kind == ChatMessage::Kind::Notice) {
        bool isTime = false;
        const qint64 sent = ctcp->command == u"PING" ? ctcp->args.toLongLong(&isTime) : 0;
        if (isTime)
            Q_EMIT serverText(tr("PING reply from %1: %2 ms").arg(m.from).arg(QDateTime::currentMSecsSinceEpoch() - sent));
        else
            Q_EMIT serverText(tr("CTCP %1 reply from %2: %3").arg(ctcp->command, m.from, ctcp->args));
        return;
    }
    Q_EMIT serverText(isChannel(m.target) ? tr("CTCP %1 from %2 to %3").arg(ctcp->command, m.from, m.target)
                                          : tr("CTCP %1 from %2").arg(ctcp->command, m.from));
    const std::optional<QString> reply = Ctcp::answer(*ctcp, QDateTime::currentDateTime());
    if (reply && m_state == State::Connected && m_ctcp.allowAnswer(QDateTime::currentMSecsSinceEpoch()))
        sendCommand("NOTICE", {utf8(m.from), utf8(Ctcp::quote(ctcp->command, *reply))}, true);
}

void ClientSession::sendNotice(const QString &target, const QString &text)
{
    IrcMessage msg("NOTICE", {utf8(target), utf8(text)});
    msg.trailing = true;
    queueMessage(msg, tr("your notice"), ownMessage(ChatMessage::Kind::Notice, target, text));
}

void ClientSession::join(const QString &channel)
{
    if (!m_channelOrder.contains(channel, Qt::CaseInsensitive) && m_state != State::Connected) {
        // Remembered, and joined on (re)registration.
        m_channelOrder.append(channel);
        return;
    }
    deliverOrQueue("JOIN " + utf8(channel), tr("JOIN"));
}

void ClientSession::part(const QString &channel, const QString &reason)
{
    IrcMessage msg("PART", {utf8(channel)});
    if (!reason.isEmpty()) {
        msg.params.append(utf8(reason));
        msg.trailing = true;
    }
    queueMessage(msg, tr("PART"));
}

void ClientSession::setTopic(const QString &channel, const QString &topic)
{
    IrcMessage msg("TOPIC", {utf8(channel), utf8(topic)});
    msg.trailing = true;
    queueMessage(msg, tr("TOPIC"));
}

void ClientSession::requestTopic(const QString &channel)
{
    m_topicAsked.insert(channel.toLower()); // so that "no topic" is said, which a join does not
    queueMessage(IrcMessage("TOPIC", {utf8(channel)}), tr("TOPIC"));
}

void ClientSession::setAway(const QString &message)
{
    IrcMessage msg("AWAY");
    if (!message.isEmpty()) {
        msg.params.append(utf8(message));
        msg.trailing = true;
    }
    queueMessage(msg, tr("AWAY"));
}

void ClientSession::changeNick(const QString &nick)
{
    if (m_state != State::Connected) {
        m_options.nick = nick; // used at the next registration
        return;
    }
    sendCommand("NICK", {utf8(nick)});
}

void ClientSession::who(const QString &mask) { deliverOrQueue("WHO " + utf8(mask), tr("WHO")); }

void ClientSession::whois(const QString &nick) { deliverOrQueue("WHOIS " + utf8(nick), tr("WHOIS")); }

void ClientSession::sendCommandParams(const QByteArray &command, const QStringList &params, bool lastIsTrailing)
{
    QList<QByteArray> raw;
    for (const QString &p : params)
        raw.append(utf8(p));
    sendCommand(command, raw, lastIsTrailing);
}

void ClientSession::registerAccount(const QString &password)
{
    if (m_capsOffered.contains(QStringLiteral("draft/account-registration")))
        sendCommand("REGISTER", {"*", "*", utf8(password)}, true);
    else
        sendCommand("PRIVMSG", {"NickServ", "REGISTER " + utf8(password)}, true);
}

void ClientSession::sendRaw(const QString &line)
{
    const QByteArray bytes = utf8(line);
    if (bytes.contains('\r') || bytes.contains('\n') || bytes.contains('\0')) {
        Q_EMIT error(tr("Not sent: a raw line cannot contain a line break or NUL byte"));
        return;
    }
    deliverOrQueue(bytes, tr("the raw line"));
}

void ClientSession::sync(const QString &token)
{
    if (m_userQuit || m_state == State::Disconnected) {
        Q_EMIT synced(token);
        return;
    }
    // Queued like any other line while registering, so it comes back after what was queued.
    deliverOrQueue("PING :confab-sync-" + utf8(token), tr("PING"));
}

QHostAddress ClientSession::localAddress() const { return m_socket->localAddress(); }

quint16 ClientSession::localPort() const { return m_socket->localPort(); }

ChatMessage ClientSession::makeMessage(const IrcMessage &msg) const
{
    ChatMessage m;
    const QByteArray time = msg.tag("time");
    m.time = time.isEmpty() ? QDateTime::currentDateTime()
                            : QDateTime::fromString(QString::fromLatin1(time), Qt::ISODateWithMs).toLocalTime();
    if (!m.time.isValid())
        m.time = QDateTime::currentDateTime();
    m.from = IrcText::decode(msg.sourceNick());
    m.target = IrcText::decode(msg.param(0));
    QByteArray text = msg.param(1);
    m.kind = msg.command == "NOTICE" ? ChatMessage::Kind::Notice : ChatMessage::Kind::Message;
    if (text.startsWith("\x01" "ACTION ") || text == "\x01" "ACTION\x01") {
        m.kind = ChatMessage::Kind::Action;
        text = text.mid(8);
        if (text.endsWith('\x01'))
            text.chop(1);
    }
    m.text = IrcText::decode(text);
    m.isOwn = m.from.compare(m_nick, Qt::CaseInsensitive) == 0;
    m.isPrivate = !isChannel(m.target);
    m.isHighlight = !m.isOwn && !m_nick.isEmpty() && m.text.contains(m_nick, Qt::CaseInsensitive);
    return m;
}

void ClientSession::handle(const IrcMessage &msg)
{
    const QByteArray &cmd = msg.command;
    if (cmd.size() == 3 && cmd.at(0) >= '0' && cmd.at(0) <= '9') {
        handleNumeric(cmd.toInt(), msg);
        return;
    }
    const QString from = IrcText::decode(msg.sourceNick());
    const bool own = !m_nick.isEmpty() && from.compare(m_nick, Qt::CaseInsensitive) == 0;
    if (cmd == "PING") {
        sendCommand("PONG", msg.params, true);
    } else if (cmd == "PONG") {
        const QByteArray token = msg.params.isEmpty() ? QByteArray() : msg.params.last();
        if (token.startsWith("confab-sync-"))
            Q_EMIT synced(QString::fromUtf8(token.mid(12)));
    } else if (cmd == "CAP") {
        handleCap(msg);
    } else if (cmd == "AUTHENTICATE") {
        if (!m_sasl)
            return;
        QList<QByteArray> lines;
        QString why;
        if (!m_sasl->receive(msg.param(0), &lines, &why)) {
            // The server answers 906, which ends the login.
            m_lastSaslError = why;
            sendLine("AUTHENTICATE *");
            return;
        }
        for (const QByteArray &line : lines)
            sendLine(line);
    } else if (cmd == "PRIVMSG" || cmd == "NOTICE") {
        if (msg.params.size() < 2)
            return;
        ChatMessage m = makeMessage(msg);
        if (m.from.isEmpty() || (!msg.source.contains('!') && !msg.source.isEmpty() && m.kind == ChatMessage::Kind::Notice
                                 && !isChannel(m.target) && m_state != State::Connected)) {
            // Server notices during registration ("*** Looking up your hostname").
            Q_EMIT serverText(m.text);
            return;
        }
        if (m.text.startsWith(QChar(1)) && m.kind != ChatMessage::Kind::Action) {
            handleCtcp(m);
            return;
        }
        Q_EMIT messageReceived(m);
    } else if (cmd == "JOIN") {
        const QString channel = IrcText::decode(msg.param(0));
        if (own) {
            if (!m_channelOrder.contains(channel, Qt::CaseInsensitive))
                m_channelOrder.append(channel);
        }
        m_chat.join(channel, from, own);
        Q_EMIT joined(channel, from, own);
        Q_EMIT usersChanged(channel);
    } else if (cmd == "PART" || cmd == "KICK") {
        const QString channel = IrcText::decode(msg.param(0));
        const QString who = cmd == "KICK" ? IrcText::decode(msg.param(1)) : from;
        const bool itsMe = who.compare(m_nick, Qt::CaseInsensitive) == 0;
        const QString reason = IrcText::decode(cmd == "KICK" ? msg.param(2) : msg.param(1));
        if (itsMe)
            m_channelOrder.removeIf([&](const QString &c) { return c.compare(channel, Qt::CaseInsensitive) == 0; });
        m_chat.leave(channel, who, itsMe);
        Q_EMIT parted(channel, who, reason, itsMe);
        Q_EMIT usersChanged(channel);
    } else if (cmd == "QUIT") {
        const QStringList where = m_chat.quit(from);
        Q_EMIT userQuit(from, IrcText::decode(msg.param(0)), where);
        for (const QString &ch : std::as_const(where))
            Q_EMIT usersChanged(ch);
    } else if (cmd == "NICK") {
        const QString newNick = IrcText::decode(msg.param(0));
        const QStringList where = m_chat.rename(from, newNick);
        if (own) {
            m_nick = newNick;
            m_options.nick = newNick;
        }
        Q_EMIT nickChanged(from, newNick, own);
        for (const QString &channel : where)
            Q_EMIT usersChanged(channel);
    } else if (cmd == "TOPIC") {
        const QString channel = IrcText::decode(msg.param(0));
        const QString topic = IrcText::decode(msg.param(1));
        m_chat.setTopic(channel, topic);
        Q_EMIT topicChanged(channel, topic, from);
    } else if (cmd == "AWAY") {
        Q_EMIT awayChanged(from, IrcText::decode(msg.param(0)));
    } else if (cmd == "ERROR") {
        m_lastError = IrcText::decode(msg.param(0));
    } else if (cmd == "INVITE") {
        Q_EMIT serverText(tr("%1 invites you to %2 (/join %2)").arg(from, IrcText::decode(msg.param(1))));
    } else if (cmd == "MODE" && msg.params.size() >= 2) {
        QStringList change;
        for (qsizetype i = 1; i < msg.params.size(); ++i)
            change.append(IrcText::decode(msg.params.at(i)));
        const QString target = IrcText::decode(msg.param(0));
        Q_EMIT serverText(tr("%1 sets mode %2 on %3").arg(from, change.join(u' '), target));
        if (isChannel(target) && m_chat.applyMode(target, change))
            Q_EMIT usersChanged(target);
    } else if (cmd == "REGISTER" && msg.param(0) == "SUCCESS") {
        Q_EMIT serverText(tr("Account %1 registered; log in with it next time: confab --account %1")
                              .arg(IrcText::decode(msg.param(1))));
    } else if (cmd == "FAIL" && msg.params.size() >= 3) {
        // IRCv3 standard replies: FAIL <command> <code> [context...] :<description>
        Q_EMIT error(tr("%1 refused: %2").arg(IrcText::decode(msg.param(0)), IrcText::decode(msg.params.last())));
    }
}

void ClientSession::handleCap(const IrcMessage &msg)
{
    const QByteArray sub = msg.param(1).toUpper();
    if (sub == "LS") {
        // "CAP * LS * :..." continues on the next line; the last line has no "*".
        const bool more = msg.params.size() > 3 && msg.param(2) == "*";
        for (const QByteArray &cap : msg.params.last().split(' ')) {
            const qsizetype eq = cap.indexOf('=');
            const QByteArray name = cap.left(eq < 0 ? cap.size() : eq);
            if (!name.isEmpty())
                m_capsOffered.append(QString::fromUtf8(name));
            if (name == "sasl" && eq >= 0)
                m_saslMechanisms = QString::fromUtf8(cap.mid(eq + 1)).split(u',', Qt::SkipEmptyParts);
        }
        if (more || m_state != State::Registering)
            return;
        QStringList request;
        for (const QString &cap : WantedCaps)
            if (m_capsOffered.contains(cap))
                request.append(cap);
        if (wantsSasl()) {
            if (m_capsOffered.contains(QStringLiteral("sasl")))
                request.append(QStringLiteral("sasl"));
            else
                Q_EMIT error(tr("This server offers no SASL login; connected without logging in as %1")
                                 .arg(m_options.account.isEmpty() ? tr("your certificate") : m_options.account));
        }
        if (request.isEmpty())
            sendLine("CAP END");
        else
            sendCommand("CAP", {"REQ", utf8(request.join(u' '))}, true);
    } else if (sub == "ACK") {
        for (const QByteArray &cap : msg.params.last().split(' ')) {
            if (cap.startsWith('-'))
                m_caps.remove(QString::fromUtf8(cap.mid(1)));
            else if (!cap.isEmpty())
                m_caps.insert(QString::fromUtf8(cap));
        }
        if (m_state != State::Registering)
            return;
        if (m_caps.contains(QStringLiteral("sasl")) && wantsSasl() && !m_sasl)
            startSasl();
        else
            sendLine("CAP END");
    } else if (sub == "NAK") {
        if (m_state == State::Registering)
            sendLine("CAP END");
    }
}

bool ClientSession::wantsSasl() const
{
    return !m_saslGaveUp
           && (!m_options.account.isEmpty() || (m_options.tls && !m_options.tlsCertFile.isEmpty())
               || m_options.saslMechanism.compare(u"EXTERNAL", Qt::CaseInsensitive) == 0);
}

void ClientSession::startSasl()
{
    SaslClient::Credentials credentials{m_options.account, m_options.accountPassword, m_options.saslMechanism,
                                        m_options.tls && !m_options.tlsCertFile.isEmpty()};
    QString why;
    const QString mechanism = SaslClient::choose(credentials, m_saslMechanisms, &why);
    if (mechanism.isEmpty()) {
        endSasl(why);
        return;
    }
    m_sasl = std::make_unique<SaslClient>(credentials, mechanism);
    sendLine(m_sasl->startLine());
}

void ClientSession::endSasl(const QString &failure)
{
    const bool wasRunning = m_sasl != nullptr || !failure.isEmpty();
    m_sasl.reset();
    if (!failure.isEmpty()) {
        m_saslGaveUp = true;
        const QString who = m_options.account.isEmpty() ? tr("your certificate") : m_options.account;
        Q_EMIT error(tr("Login as %1 failed: %2. Connected without logging in (not retried on reconnect).").arg(who, failure));
    }
    if (wasRunning && m_state == State::Registering)
        sendLine("CAP END");
}

void ClientSession::completeRegistration(const QString &nick)
{
    m_nick = nick;
    m_everRegistered = true;
    // Only a registration ends a series of attempts: a server that accepts and hangs up at once
    // is backed off from like one that refuses.
    m_attempt = 0;
    setState(State::Connected);
    Q_EMIT registered(nick);
    // Rejoin (or first join) every channel we should be in, then what was typed meanwhile.
    const QStringList channels = m_channelOrder.isEmpty() ? m_options.channels : m_channelOrder;
    m_channelOrder.clear();
    for (const QString &ch : channels)
        if (!ch.isEmpty())
            sendCommand("JOIN", {utf8(ch)});
    const QList<Pending> queued = std::exchange(m_queue, {});
    for (const Pending &p : queued) {
        sendLine(p.line);
        lineSent(p.own);
    }
}

void ClientSession::handleNumeric(int code, const IrcMessage &msg)
{
    auto text = [&msg] { return IrcText::decode(msg.params.isEmpty() ? QByteArray() : msg.params.last()); };
    auto param = [&msg](int i) { return IrcText::decode(msg.param(i)); };
    switch (code) {
    case Numeric::RPL_WELCOME:
        m_serverName = IrcText::decode(msg.source);
        Q_EMIT welcomeText(text());
        completeRegistration(param(0));
        return;
    case Numeric::ERR_NICKNAMEINUSE:
    case Numeric::ERR_ERRONEUSNICKNAME:
        if (m_state == State::Registering) {
            // nick_, nick__, ... and, past the length limit, nick plus a number.
            ++m_nickAttempt;
            QString next = m_options.nick + QString(m_nickAttempt, u'_');
            if (m_nickAttempt > 3 || code == Numeric::ERR_ERRONEUSNICKNAME)
                next = QStringLiteral("confab%1").arg(QRandomGenerator::global()->bounded(10000, 99999));
            sendCommand("NICK", {utf8(next)});
            Q_EMIT error(tr("Nickname %1 is not available, trying %2").arg(param(1), next));
            return;
        }
        Q_EMIT error(text() + QStringLiteral(": ") + param(1));
        return;
    case Numeric::RPL_NAMREPLY: {
        m_chat.addNames(param(2), text().split(u' ', Qt::SkipEmptyParts));
        return;
    }
    case Numeric::RPL_ENDOFNAMES: {
        const QString channel = param(1);
        m_chat.endNames(channel);
        Q_EMIT usersChanged(channel);
        Q_EMIT namesEnded(channel);
        return;
    }
    case Numeric::RPL_TOPIC:
        m_topicAsked.remove(param(1).toLower());
        m_chat.setTopic(param(1), text());
        Q_EMIT topicChanged(param(1), text(), QString());
        return;
    case Numeric::RPL_NOTOPIC:
        m_chat.setTopic(param(1), QString());
        if (m_topicAsked.remove(param(1).toLower()))
            Q_EMIT serverText(tr("%1 has no topic").arg(param(1)));
        return;
    case Numeric::RPL_TOPICWHOTIME:
        return;
    case Numeric::RPL_CHANNELMODEIS: {
        // <me> <channel> <modes> [args...]
        QStringList modes;
        for (qsizetype i = 2; i < msg.params.size(); ++i)
            modes.append(param(int(i)));
        Q_EMIT serverText(tr("%1 modes: %2").arg(param(1), modes.join(u' ')));
        return;
    }
    case Numeric::RPL_CREATIONTIME:
        Q_EMIT serverText(tr("%1 was made %2").arg(param(1), humanTime(param(2).toLongLong())));
        return;
    case Numeric::RPL_WHOISSERVER:
        Q_EMIT serverText(tr("%1 is on server %2 (%3)").arg(param(1), param(2), text()));
        return;
    case Numeric::RPL_WHOISIDLE:
        // <me> <nick> <idle seconds> <signon> :seconds idle, signon time
        Q_EMIT serverText(tr("%1 has been idle %2, and connected %3")
                              .arg(param(1), humanDuration(param(2).toLongLong()), humanTime(param(3).toLongLong())));
        return;
    case Numeric::RPL_WHOREPLY:
        // <me> <channel> <user> <host> <server> <nick> <flags> :<hops> <realname>
        Q_EMIT whoReply(param(5), param(2) + u'@' + param(3), text().section(u' ', 1), param(1));
        return;
    case Numeric::RPL_ENDOFWHO:
        Q_EMIT whoEnd(param(1));
        return;
    case Numeric::RPL_WHOISUSER:
        Q_EMIT serverText(tr("%1 is %2@%3 (%4)").arg(param(1), param(2), param(3), text()));
        return;
    case Numeric::RPL_WHOISCHANNELS:
        Q_EMIT serverText(tr("%1 is on %2").arg(param(1), text()));
        return;
    case Numeric::RPL_ENDOFWHOIS:
        return;
    case Numeric::RPL_WHOISACCOUNT:
        Q_EMIT serverText(tr("%1 is logged in as %2").arg(param(1), param(2)));
        return;
    case Numeric::RPL_LOGGEDIN:
        m_account = param(2);
        Q_EMIT serverText(tr("You are now logged in as %1").arg(m_account));
        return;
    case Numeric::RPL_LOGGEDOUT:
        m_account.clear();
        Q_EMIT serverText(tr("You are now logged out"));
        return;
    case Numeric::RPL_SASLSUCCESS:
        endSasl();
        return;
    case Numeric::ERR_SASLFAIL:
    case Numeric::ERR_SASLTOOLONG:
    case Numeric::ERR_SASLABORTED:
        if (m_sasl || m_state == State::Registering) {
            const QString why = m_lastSaslError.isEmpty() ? text() : m_lastSaslError;
            m_lastSaslError.clear();
            endSasl(why);
            return;
        }
        break;
    case Numeric::ERR_SASLALREADY:
    case Numeric::RPL_SASLMECHS:
        return; // 908 is followed by 904, which says it
    case Numeric::RPL_AWAY:
        Q_EMIT serverText(tr("%1 is away: %2").arg(param(1), text()));
        return;
    default:
        break;
    }
    if (code >= 400 && code < 600 && code != Numeric::ERR_NOMOTD) {
        // "<me> <thing> :<explanation>" reads best as "<thing>: <explanation>".
        const QString subject = msg.params.size() > 2 ? param(1) : QString();
        Q_EMIT error(subject.isEmpty() ? text() : subject + QStringLiteral(": ") + text());
        return;
    }
    if (code == Numeric::RPL_ISUPPORT) {
        // "<me> TOKEN[=VALUE]... :are supported by this server"
        for (qsizetype i = 1; i + 1 < msg.params.size(); ++i) {
            const QString token = IrcText::decode(msg.params.at(i));
            if (token.startsWith(u"PREFIX="))
                m_chat.setPrefix(token.mid(7));
            else if (token.startsWith(u"CHANMODES="))
                m_chat.setChannelModes(token.mid(10));
        }
        return;
    }
    if (code == Numeric::RPL_MYINFO)
        return;
    // Everything after our nick: "254 me 3 :channels formed" reads "3 channels formed".
    QStringList words;
    // 265/266 repeat their numbers in the text; elsewhere the middle parameters matter.
    const bool textOnly = code == Numeric::RPL_LOCALUSERS || code == Numeric::RPL_GLOBALUSERS;
    for (qsizetype i = textOnly ? msg.params.size() - 1 : 1; i < msg.params.size(); ++i)
        words.append(param(int(i)));
    const bool welcome = code < 100 || (code >= 250 && code <= 266) || code == Numeric::RPL_MOTDSTART
                         || code == Numeric::RPL_MOTD || code == Numeric::RPL_ENDOFMOTD || code == Numeric::ERR_NOMOTD;
    if (welcome)
        Q_EMIT welcomeText(words.join(u' '));
    else
        Q_EMIT serverText(words.join(u' '));
}
