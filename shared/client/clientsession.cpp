// SPDX-License-Identifier: MIT
#include "clientsession.h"

#include "irccommands.h"
#include "serverevents.h"

#include "protocol/ircmessage.h"
#include "protocol/numerics.h"
#include "text/irctext.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>

namespace {
QByteArray utf8(const QString &s) { return s.toUtf8(); }
} // namespace

ClientSession::ClientSession(QObject *parent)
    : QObject(parent)
    , m_connection(new ServerConnection(this))
    , m_reconnectTimer(new QTimer(this))
    , m_cap([this](const QByteArray &line) { sendLine(line); },
            [this](const QString &why) { say(ChatEvent::Type::Error, why); })
    , m_outbox({[this] {
                    if (m_state == State::Connected)
                        return Outbox::Mode::Send;
                    return m_userQuit || m_state == State::Disconnected ? Outbox::Mode::Refuse : Outbox::Mode::Hold;
                },
                [this] { return m_nick.isEmpty() ? m_options.nick : m_nick; },
                [this](const QByteArray &line) { sendLine(line); },
                [this](const ChatMessage &own) {
                    // With echo-message the server's copy is the one shown, with the server's time.
                    if (m_cap.isEnabled(QStringLiteral("echo-message")))
                        return;
                    ChatMessage m = own;
                    m.time = QDateTime::currentDateTime();
                    m.from = m_nick;
                    emitMessage(m);
                },
                [this](const QString &text) { say(ChatEvent::Type::Error, text); }},
               200)
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &ClientSession::open);
    connect(m_connection, &ServerConnection::opened, this, &ClientSession::onConnected);
    connect(m_connection, &ServerConnection::lineReceived, this, &ClientSession::handle);
    connect(m_connection, &ServerConnection::closed, this, &ClientSession::onConnectionClosed);
    connect(m_connection, &ServerConnection::warning, this,
            [this](const QString &text) { say(ChatEvent::Type::Error, text); });
}

ClientSession::~ClientSession() { m_connection->disconnect(this); }

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
    ChatEvent ev
        = ChatEvent::make(ChatEvent::Type::State, reason, m_nick.isEmpty() ? m_options.nick : m_nick, address());
    ev.state = state;
    emitEvent(ev);
}

ClientSession::Endpoint ClientSession::currentEndpoint() const
{
    if (m_endpoint > 0 && m_endpoint <= m_options.alternates.size())
        return m_options.alternates.at(m_endpoint - 1);
    return {m_options.host, m_options.port};
}

void ClientSession::open()
{
    m_userQuit = false;
    m_reconnectTimer->stop();
    m_lastError.clear();
    const Endpoint at = currentEndpoint();
    ++m_triedInSeries;
    // Said once per series of attempts (the state says that it is still trying), and for each
    // other address tried.
    if (m_attempt == 0 || !m_options.alternates.isEmpty())
        say(ChatEvent::Type::Connection,
            tr("Connecting to %1 port %2 as %3").arg(at.host, QString::number(at.port), m_options.nick));
    setState(State::Connecting);
    m_connection->open({at.host, at.port, m_options.tls, m_options.tlsFingerprint, m_options.tlsInsecure,
                        m_options.tlsCertFile, m_options.tlsKeyFile});
}

void ClientSession::quit(const QString &reason)
{
    m_userQuit = true;
    m_reconnectTimer->stop();
    m_outbox.clear();
    if (m_connection->isOpen()) {
        sendNow(IrcCommands::quit(reason.isEmpty() ? QStringLiteral("Leaving") : reason));
        m_connection->close(); // sends the QUIT, then closed()
    } else {
        m_connection->abort();
        if (m_state != State::Disconnected) {
            m_attempt = 0;
            m_triedInSeries = 0;
            say(ChatEvent::Type::Connection, tr("Disconnected: %1").arg(QStringLiteral("Quit")));
            setState(State::Disconnected, QStringLiteral("Quit"));
        }
    }
}

void ClientSession::onConnected()
{
    m_nickAttempt = 0;
    m_account.clear();
    m_names.clear();
    m_history.reset();
    setState(State::Registering);
    const bool login = !m_options.account.isEmpty() || (m_options.tls && !m_options.tlsCertFile.isEmpty())
                       || m_options.saslMechanism.compare(u"EXTERNAL", Qt::CaseInsensitive) == 0;
    m_cap.begin({m_options.account, m_options.accountPassword, m_options.saslMechanism,
                 m_options.tls && !m_options.tlsCertFile.isEmpty()},
                login);
    if (!m_options.password.isEmpty())
        sendCommand("PASS", {utf8(m_options.password)});
    sendNow(IrcCommands::nick(m_options.nick));
    const QString user = m_options.user.isEmpty() ? m_options.nick : m_options.user;
    const QString real = m_options.realName.isEmpty() ? m_options.nick : m_options.realName;
    sendCommand("USER", {utf8(user), "0", "*", utf8(real)}, true);
}

void ClientSession::onConnectionClosed(const QString &reason, bool final)
{
    if (m_state == State::Disconnected || m_state == State::Reconnecting)
        return;
    // The server's ERROR says more than "Connection closed"; a refused certificate says it all.
    const QString why = final || m_lastError.isEmpty() ? reason : m_lastError;
    // A series of reconnect attempts is told once when it starts and once when it ends.
    if (m_attempt == 0)
        say(ChatEvent::Type::Connection, tr("Disconnected: %1").arg(why));
    // The next attempt goes to the next address, if there are others.
    const int addresses = int(m_options.alternates.size()) + 1;
    if (addresses > 1)
        m_endpoint = (m_endpoint + 1) % addresses;
    // A script's first connection tries every address once, at once, before it gives up.
    const bool scriptGivesUp = !m_everRegistered && !m_options.retryFirstConnection;
    if (!m_userQuit && !final && m_options.autoReconnect && scriptGivesUp && m_triedInSeries < addresses) {
        setState(State::Reconnecting, why);
        m_reconnectTimer->start(0);
        return;
    }
    // A certificate that failed verification fails again: retrying would only hide the reason.
    if (m_userQuit || final || !m_options.autoReconnect || scriptGivesUp) {
        m_attempt = 0;
        m_triedInSeries = 0;
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
    const qint64 base
        = std::min<qint64>(qint64(m_options.reconnectMinMs) << std::min(m_attempt - 1, 16), m_options.reconnectMaxMs);
    const int delay = int(base / 2 + QRandomGenerator::global()->bounded(base / 2 + 1));
    if (m_attempt == 1)
        say(ChatEvent::Type::Connection,
            tr("Reconnecting in %1 s, then again less and less often until the server is back")
                .arg(delay / 1000.0, 0, 'f', 1));
    setState(State::Reconnecting, why);
    m_reconnectTimer->start(delay);
}

void ClientSession::sendLine(const QByteArray &line) { m_connection->write(line); }

void ClientSession::sendCommand(const QByteArray &command, const QList<QByteArray> &params, bool trailing)
{
    IrcMessage msg(command, params);
    msg.trailing = trailing;
    sendNow(msg);
}

void ClientSession::sendNow(const IrcMessage &msg)
{
    if (const std::optional<QByteArray> wire = msg.serialize())
        sendLine(wire->chopped(2));
    else
        say(ChatEvent::Type::Error, tr("Not sent: the text contains a line break or NUL byte"));
}

bool ClientSession::send(const IrcMessage &msg) { return m_outbox.send(msg, QString::fromLatin1(msg.command)); }

void ClientSession::handleCtcp(const ChatMessage &m)
{
    const std::optional<Ctcp::Message> ctcp = Ctcp::parse(m.text);
    if (!ctcp || m.isOwn)
        return; // our own request, echoed
    if (m.kind == ChatMessage::Kind::Notice) {
        bool isTime = false;
        const qint64 sent = ctcp->command == u"PING" ? ctcp->args.toLongLong(&isTime) : 0;
        if (isTime)
            say(ChatEvent::Type::Info,
                tr("PING reply from %1: %2 ms").arg(m.from).arg(QDateTime::currentMSecsSinceEpoch() - sent));
        else
            say(ChatEvent::Type::Info, tr("CTCP %1 reply from %2: %3").arg(ctcp->command, m.from, ctcp->args));
        return;
    }
    say(ChatEvent::Type::Info, isChannel(m.target) ? tr("CTCP %1 from %2 to %3").arg(ctcp->command, m.from, m.target)
                                                   : tr("CTCP %1 from %2").arg(ctcp->command, m.from));
    const std::optional<QString> reply = Ctcp::answer(*ctcp, QDateTime::currentDateTime());
    if (reply && m_state == State::Connected && m_ctcp.allowAnswer(QDateTime::currentMSecsSinceEpoch()))
        sendNow(IrcCommands::ctcpReply(m.from, ctcp->command, *reply));
}

void ClientSession::join(const QString &channel)
{
    if (!m_channelOrder.contains(channel, Qt::CaseInsensitive) && m_state != State::Connected) {
        // Remembered, and joined on (re)registration.
        m_channelOrder.append(channel);
        return;
    }
    send(IrcCommands::join(channel));
}

void ClientSession::requestTopic(const QString &channel)
{
    m_topicAsked.insert(channel.toLower()); // so that "no topic" is said, which a join does not
    send(IrcCommands::topicQuery(channel));
}

void ClientSession::changeNick(const QString &nick)
{
    if (m_state != State::Connected) {
        m_options.nick = nick; // used at the next registration
        return;
    }
    sendNow(IrcCommands::nick(nick));
}

void ClientSession::registerAccount(const QString &password)
{
    sendNow(IrcCommands::registerAccount(password, m_cap.isOffered(QStringLiteral("draft/account-registration"))));
}

void ClientSession::sendRaw(const QString &line) { m_outbox.sendRaw(utf8(line), tr("the raw line")); }

void ClientSession::sync(const QString &token)
{
    if (m_userQuit || m_state == State::Disconnected) {
        Q_EMIT synced(token);
        return;
    }
    // Queued like any other line while registering, so it comes back after what was queued.
    m_outbox.sendRaw("PING :confab-sync-" + utf8(token), tr("PING"));
}

QHostAddress ClientSession::localAddress() const { return m_connection->localAddress(); }

quint16 ClientSession::localPort() const { return m_connection->localPort(); }

void ClientSession::emitMessage(const ChatMessage &m)
{
    ChatEvent ev = ChatEvent::make(ChatEvent::Type::Message, m.text, m.from, m.target, m.isOwn);
    ev.time = m.time;
    ev.message = m;
    emitEvent(ev);
}

void ClientSession::handle(const IrcMessage &msg)
{
    const QByteArray &cmd = msg.command;
    if (cmd.size() == 3 && cmd.at(0) >= '0' && cmd.at(0) <= '9') {
        handleNumeric(cmd.toInt(), msg);
        return;
    }
    if (m_history.take(msg, m_nick))
        return;
    if (cmd == "BATCH") {
        if (std::optional<ChatEvent> ev = m_history.batch(msg))
            emitEvent(*ev);
    } else if (cmd == "PING") {
        sendCommand("PONG", msg.params, true);
    } else if (cmd == "PONG") {
        const QByteArray token = msg.params.isEmpty() ? QByteArray() : msg.params.last();
        if (token.startsWith("confab-sync-"))
            Q_EMIT synced(QString::fromUtf8(token.mid(12)));
    } else if (cmd == "CAP") {
        m_cap.onCap(msg, m_state == State::Registering);
    } else if (cmd == "AUTHENTICATE") {
        m_cap.onAuthenticate(msg.param(0));
    } else if (cmd == "ERROR") {
        m_lastError = IrcText::decode(msg.param(0));
    } else if (std::optional<ChatEvent> ev = ServerEvents::fromCommand(msg, m_nick)) {
        handleEvent(*ev, msg);
    }
}

void ClientSession::handleEvent(const ChatEvent &ev, const IrcMessage &msg)
{
    using T = ChatEvent::Type;
    switch (ev.type) {
    case T::Message: {
        const ChatMessage &m = ev.message;
        if (m.from.isEmpty()
            || (!msg.source.contains('!') && !msg.source.isEmpty() && m.kind == ChatMessage::Kind::Notice
                && !isChannel(m.target) && m_state != State::Connected)) {
            // Server notices during registration ("*** Looking up your hostname").
            say(T::Info, m.text);
            return;
        }
        if (m.text.startsWith(QChar(1)) && m.kind != ChatMessage::Kind::Action) {
            handleCtcp(m);
            return;
        }
        break;
    }
    case T::Join:
        if (ev.own && !m_channelOrder.contains(ev.channel, Qt::CaseInsensitive))
            m_channelOrder.append(ev.channel);
        if (ev.own && offersHistory()) {
            emitEvent(ev);
            requestLatest(ev.channel); // what was said before: shown above what comes now
            return;
        }
        break;
    case T::ReadMarker:
        m_history.noteMarker(ev.channel, ev.stamp);
        break;
    case T::Part:
    case T::Kick:
        if (ev.own)
            m_channelOrder.removeIf([&](const QString &c) { return c.compare(ev.channel, Qt::CaseInsensitive) == 0; });
        break;
    case T::Nick:
        if (ev.own) {
            m_nick = ev.text;
            m_options.nick = ev.text;
        }
        break;
    default:
        break;
    }
    emitEvent(ev);
}

void ClientSession::requestLatest(const QString &target)
{
    if (!offersHistory())
        return;
    m_history.asked(target, QStringLiteral("latest"));
    send(IrcCommands::historyLatest(target, HistoryPage));
}

void ClientSession::requestBefore(const QString &target, const QString &msgid, const QDateTime &time)
{
    if (!offersHistory() || (msgid.isEmpty() && !time.isValid()))
        return;
    m_history.asked(target, QStringLiteral("before"));
    send(IrcCommands::historyBefore(target, msgid, time, HistoryPage));
}

void ClientSession::search(const QString &target, const QString &words)
{
    // Without the server's search the view's own (what it shows) is all there is.
    if (offersSearch() && !words.trimmed().isEmpty())
        send(IrcCommands::search(target, words.trimmed()));
}

void ClientSession::markRead(const QString &target, const QDateTime &time)
{
    if (m_cap.isEnabled(QStringLiteral("draft/read-marker")) && m_state == State::Connected
        && m_history.advanceMarker(target, time))
        send(IrcCommands::markRead(target, time));
}

void ClientSession::completeRegistration(const QString &nick)
{
    m_nick = nick;
    m_everRegistered = true;
    // Only a registration ends a series of attempts: a server that accepts and hangs up at once
    // is backed off from like one that refuses.
    const int attempts = std::exchange(m_attempt, 0);
    m_triedInSeries = 0;
    // One arg() call: the server's name is the server's text, and may hold a "%1".
    say(ChatEvent::Type::Connection,
        attempts > 1
            ? tr("Connected to %1 as %2 (after %3 attempts)").arg(m_serverName, nick, QString::number(attempts))
            : tr("Connected to %1 as %2").arg(m_serverName, nick));
    setState(State::Connected);
    // Rejoin (or first join) every channel we should be in, then what was typed meanwhile.
    const QStringList channels = m_channelOrder.isEmpty() ? m_options.channels : m_channelOrder;
    m_channelOrder.clear();
    for (const QString &ch : channels)
        if (!ch.isEmpty())
            sendNow(IrcCommands::join(ch));
    m_outbox.flush();
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
            sendNow(IrcCommands::nick(next));
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
        if (const std::optional<ChatEvent> ev = ServerEvents::fromReply(code, msg))
            emitEvent(*ev);
        return;
    }
}
