#include "clientsession.h"

#include "serverreplies.h"

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
QByteArray utf8(const QString &s) { return s.toUtf8(); }
} // namespace

ClientSession::ClientSession(QObject *parent)
    : QObject(parent)
    , m_socket(new QSslSocket(this))
    , m_reconnectTimer(new QTimer(this))
    , m_cap([this](const QByteArray &line) { sendLine(line); }, [this](const QString &why) { say(ChatEvent::Type::Error, why); })
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

ClientSession::~ClientSession()
{
    m_socket->disconnect(this);
}

void ClientSession::emitEvent(ChatEvent event)
{
    event.session = m_id;
    m_chat.apply(event);
    Q_EMIT this->event(event);
}

void ClientSession::setState(State state, const QString &reason)
{
    if (m_state == state)
        return;
    m_state = state;
    ChatEvent ev = ChatEvent::make(ChatEvent::Type::State, reason, m_nick.isEmpty() ? m_options.nick : m_nick, address());
    ev.state = state;
    emitEvent(ev);
}

void ClientSession::open()
{
    m_userQuit = false;
    m_reconnectTimer->stop();
    m_reader = LineReader();
    m_lastError.clear();
    // Said once per series of attempts: the state says that it is still trying.
    if (m_attempt == 0)
        say(ChatEvent::Type::Connection,
            tr("Connecting to %1 port %2 as %3").arg(m_options.host).arg(m_options.port).arg(m_options.nick));
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
                say(ChatEvent::Type::Error, why);
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
        say(ChatEvent::Type::Error, tr("TLS certificate NOT verified (--insecure): anyone between you and %1 can read and change "
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
            m_attempt = 0;
            say(ChatEvent::Type::Connection, tr("Disconnected: %1").arg(QStringLiteral("Quit")));
            setState(State::Disconnected, QStringLiteral("Quit"));
        }
    }
}

void ClientSession::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_nickAttempt = 0;
    m_account.clear();
    m_names.clear();
    setState(State::Registering);
    const bool login = !m_options.account.isEmpty() || (m_options.tls && !m_options.tlsCertFile.isEmpty())
                       || m_options.saslMechanism.compare(u"EXTERNAL", Qt::CaseInsensitive) == 0;
    m_cap.begin({m_options.account, m_options.accountPassword, m_options.saslMechanism,
                 m_options.tls && !m_options.tlsCertFile.isEmpty()},
                login);
    if (!m_options.password.isEmpty())
        sendCommand("PASS", {utf8(m_options.password)});
    sendCommand("NICK", {utf8(m_options.nick)});
    const QString user = m_options.user.isEmpty() ? m_options.nick : m_options.user;
    const QString real = m_options.realName.isEmpty() ? m_options.nick : m_options.realName;
    sendCommand("USER", {utf8(user), "0", "*", utf8(real)}, true);
}

void ClientSession::onSocketClosed(const QString &reason)
{
    if (m_state == State::Disconnected || m_state == State::Reconnecting)
        return;
    const QString why = m_lastError.isEmpty() ? reason : m_lastError;
    // A series of reconnect attempts is told once when it starts and once when it ends.
    if (m_attempt == 0)
        say(ChatEvent::Type::Connection, tr("Disconnected: %1").arg(why));
    // A certificate that failed verification fails again: retrying would only hide the reason.
    if (m_userQuit || m_tlsRefused || !m_options.autoReconnect || (!m_everRegistered && !m_options.retryFirstConnection)) {
        m_attempt = 0;
        setState(State::Disconnected, why);
        return;
    }
    scheduleReconnect(why);
}

void ClientSession::scheduleReconnect(const QString &why)
{
    ++m_attempt;
    // Exponential back-off with jitter, so that a restarted server is not hit by every client
    // at the same instant.
    const qint64 base = std::min<qint64>(qint64(m_options.reconnectMinMs) << std::min(m_attempt - 1, 16),
                                         m_options.reconnectMaxMs);
    const int delay = int(base / 2 + QRandomGenerator::global()->bounded(base / 2 + 1));
    if (m_attempt == 1)
        say(ChatEvent::Type::Connection, tr("Reconnecting in %1 s, then again less and less often until the server is back")
                                             .arg(delay / 1000.0, 0, 'f', 1));
    setState(State::Reconnecting, why);
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
        say(ChatEvent::Type::Error, tr("Not sent: the text contains a line break or NUL byte"));
}

bool ClientSession::queueMessage(const IrcMessage &msg, const QString &what, const std::optional<ChatMessage> &own)
{
    const std::optional<QByteArray> wire = msg.serialize();
    if (!wire) {
        say(ChatEvent::Type::Error, tr("Not sent: the text contains a line break or NUL byte"));
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
        say(ChatEvent::Type::Error, tr("Not connected: %1 was not sent").arg(what));
        return false;
    }
    if (m_queue.size() >= m_options.maxQueued) {
        say(ChatEvent::Type::Error,
            tr("Still reconnecting and %1 messages are waiting: %2 was not sent").arg(m_queue.size()).arg(what));
        return false;
    }
    m_queue.append({line, own});
    return true;
}

void ClientSession::lineSent(const std::optional<ChatMessage> &own)
{
    // With echo-message the server's copy is the one shown, with the server's timestamp.
    if (own && !m_cap.isEnabled(QStringLiteral("echo-message"))) {
        ChatMessage m = *own;
        m.time = QDateTime::currentDateTime();
        m.from = m_nick;
        emitMessage(m);
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
            say(ChatEvent::Type::Info, tr("PING reply from %1: %2 ms").arg(m.from).arg(QDateTime::currentMSecsSinceEpoch() - sent));
        else
            say(ChatEvent::Type::Info, tr("CTCP %1 reply from %2: %3").arg(ctcp->command, m.from, ctcp->args));
        return;
    }
    say(ChatEvent::Type::Info, isChannel(m.target) ? tr("CTCP %1 from %2 to %3").arg(ctcp->command, m.from, m.target)
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
    if (m_cap.isOffered(QStringLiteral("draft/account-registration")))
        sendCommand("REGISTER", {"*", "*", utf8(password)}, true);
    else
        sendCommand("PRIVMSG", {"NickServ", "REGISTER " + utf8(password)}, true);
}

void ClientSession::sendRaw(const QString &line)
{
    const QByteArray bytes = utf8(line);
    if (bytes.contains('\r') || bytes.contains('\n') || bytes.contains('\0')) {
        say(ChatEvent::Type::Error, tr("Not sent: a raw line cannot contain a line break or NUL byte"));
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

void ClientSession::emitMessage(const ChatMessage &m)
{
    ChatEvent ev = ChatEvent::make(ChatEvent::Type::Message, m.text, m.from, m.target, m.isOwn);
    ev.time = m.time;
    ev.message = m;
    emitEvent(ev);
}

void ClientSession::handle(const IrcMessage &msg)
{
    using T = ChatEvent::Type;
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
        m_cap.onCap(msg, m_state == State::Registering);
    } else if (cmd == "AUTHENTICATE") {
        m_cap.onAuthenticate(msg.param(0));
    } else if (cmd == "PRIVMSG" || cmd == "NOTICE") {
        if (msg.params.size() < 2)
            return;
        ChatMessage m = makeMessage(msg);
        if (m.from.isEmpty() || (!msg.source.contains('!') && !msg.source.isEmpty() && m.kind == ChatMessage::Kind::Notice
                                 && !isChannel(m.target) && m_state != State::Connected)) {
            // Server notices during registration ("*** Looking up your hostname").
            say(T::Info, m.text);
            return;
        }
        if (m.text.startsWith(QChar(1)) && m.kind != ChatMessage::Kind::Action) {
            handleCtcp(m);
            return;
        }
        emitMessage(m);
    } else if (cmd == "JOIN") {
        const QString channel = IrcText::decode(msg.param(0));
        if (own && !m_channelOrder.contains(channel, Qt::CaseInsensitive))
            m_channelOrder.append(channel);
        emitEvent(ChatEvent::make(T::Join, {}, from, channel, own));
    } else if (cmd == "PART" || cmd == "KICK") {
        const QString channel = IrcText::decode(msg.param(0));
        const QString who = cmd == "KICK" ? IrcText::decode(msg.param(1)) : from;
        const bool itsMe = who.compare(m_nick, Qt::CaseInsensitive) == 0;
        const QString reason = IrcText::decode(cmd == "KICK" ? msg.param(2) : msg.param(1));
        if (itsMe)
            m_channelOrder.removeIf([&](const QString &c) { return c.compare(channel, Qt::CaseInsensitive) == 0; });
        ChatEvent ev = ChatEvent::make(cmd == "KICK" ? T::Kick : T::Part, reason, who, channel, itsMe);
        if (cmd == "KICK")
            ev.list = QStringList{from};
        emitEvent(ev);
    } else if (cmd == "QUIT") {
        emitEvent(ChatEvent::make(T::Quit, IrcText::decode(msg.param(0)), from));
    } else if (cmd == "NICK") {
        const QString newNick = IrcText::decode(msg.param(0));
        if (own) {
            m_nick = newNick;
            m_options.nick = newNick;
        }
        emitEvent(ChatEvent::make(T::Nick, newNick, from, {}, own));
    } else if (cmd == "TOPIC") {
        emitEvent(ChatEvent::make(T::Topic, IrcText::decode(msg.param(1)), from, IrcText::decode(msg.param(0))));
    } else if (cmd == "AWAY") {
        emitEvent(ChatEvent::make(T::Away, IrcText::decode(msg.param(0)), from, {}, own));
    } else if (cmd == "ERROR") {
        m_lastError = IrcText::decode(msg.param(0));
    } else if (cmd == "INVITE") {
        say(T::Info, tr("%1 invites you to %2 (/join %2)").arg(from, IrcText::decode(msg.param(1))));
    } else if (cmd == "MODE" && msg.params.size() >= 2) {
        ChatEvent ev = ChatEvent::make(T::Mode, {}, from, IrcText::decode(msg.param(0)), own);
        for (qsizetype i = 1; i < msg.params.size(); ++i)
            ev.list.append(IrcText::decode(msg.params.at(i)));
        ev.text = ev.list.join(u' ');
        emitEvent(ev);
    } else if (cmd == "REGISTER" && msg.param(0) == "SUCCESS") {
        say(T::Info, tr("Account %1 registered; log in with it next time: confab --account %1")
                         .arg(IrcText::decode(msg.param(1))));
    } else if (cmd == "FAIL" && msg.params.size() >= 3) {
        // IRCv3 standard replies: FAIL <command> <code> [context...] :<description>
        say(T::Error, tr("%1 refused: %2").arg(IrcText::decode(msg.param(0)), IrcText::decode(msg.params.last())));
    }
}

void ClientSession::completeRegistration(const QString &nick)
{
    m_nick = nick;
    m_everRegistered = true;
    // Only a registration ends a series of attempts: a server that accepts and hangs up at once
    // is backed off from like one that refuses.
    const int attempts = std::exchange(m_attempt, 0);
    say(ChatEvent::Type::Connection,
        attempts > 1 ? tr("Connected to %1 as %2 (after %3 attempts)").arg(m_serverName, nick).arg(attempts)
                     : tr("Connected to %1 as %2").arg(m_serverName, nick));
    setState(State::Connected);
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
    using T = ChatEvent::Type;
    auto text = [&msg] { return IrcText::decode(msg.params.isEmpty() ? QByteArray() : msg.params.last()); };
    auto param = [&msg](int i) { return IrcText::decode(msg.param(i)); };
    if (m_cap.onNumeric(code, text(), m_state == State::Registering))
        return;
    switch (code) {
    case Numeric::RPL_WELCOME:
        m_serverName = IrcText::decode(msg.source);
        say(T::Server, text());
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
            say(T::Error, tr("Nickname %1 is not available, trying %2").arg(param(1), next));
            return;
        }
        say(T::Error, text() + QStringLiteral(": ") + param(1));
        return;
    case Numeric::RPL_NAMREPLY:
        // "<me> <symbol> <channel> :names...", perhaps in several lines: one event at the end.
        m_names[param(2).toLower()].append(text().split(u' ', Qt::SkipEmptyParts));
        return;
    case Numeric::RPL_ENDOFNAMES: {
        ChatEvent ev = ChatEvent::make(T::Names, {}, {}, param(1));
        ev.list = m_names.take(param(1).toLower());
        emitEvent(ev);
        return;
    }
    case Numeric::RPL_TOPIC:
        m_topicAsked.remove(param(1).toLower());
        emitEvent(ChatEvent::make(T::Topic, text(), {}, param(1)));
        return;
    case Numeric::RPL_NOTOPIC:
        emitEvent(ChatEvent::make(T::Topic, {}, {}, param(1)));
        if (m_topicAsked.remove(param(1).toLower()))
            say(T::Info, tr("%1 has no topic").arg(param(1)));
        return;
    case Numeric::RPL_LOGGEDIN:
        m_account = param(2);
        say(T::Info, tr("You are now logged in as %1").arg(m_account));
        return;
    case Numeric::RPL_LOGGEDOUT:
        m_account.clear();
        say(T::Info, tr("You are now logged out"));
        return;
    default:
        if (const std::optional<ChatEvent> ev = ServerReplies::describe(code, msg))
            emitEvent(*ev);
        return;
    }
}
