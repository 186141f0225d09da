// SPDX-License-Identifier: MIT
#include "chatcontroller.h"

#include "irccommands.h"

#include <QRegularExpression>

ChatController::ChatController(QObject *parent)
    : QObject(parent)
{
}

ChatController::~ChatController() = default;

ChatController::Entry *ChatController::entry(int id)
{
    for (Entry &e : m_entries)
        if (e.id == id)
            return &e;
    return nullptr;
}

const ChatController::Entry *ChatController::entry(int id) const
{
    return const_cast<ChatController *>(this)->entry(id);
}

ClientSession *ChatController::activeSession() const
{
    const Entry *e = entry(m_active);
    return e ? e->session : nullptr;
}

ClientSession *ChatController::session(int id) const
{
    const Entry *e = entry(id);
    return e ? e->session : nullptr;
}

QString ChatController::currentTarget() const { return currentTarget(m_active); }

QString ChatController::currentTarget(int id) const
{
    const Entry *e = entry(id);
    return e ? e->current : QString();
}

void ChatController::setCurrentTarget(const QString &target)
{
    if (Entry *e = entry(m_active)) {
        e->current = target;
        Q_EMIT statusChanged();
    }
}

void ChatController::setCurrent(int session, const QString &target)
{
    Entry *e = entry(session);
    if (!e)
        return;
    m_active = session;
    e->current = target;
    Q_EMIT statusChanged();
}

void ChatController::fetchOlder(int session, const QString &target, const QString &msgid, const QDateTime &time)
{
    if (ClientSession *s = this->session(session))
        s->requestBefore(target, msgid, time);
}

void ChatController::markRead(int session, const QString &target, const QDateTime &time)
{
    if (ClientSession *s = this->session(session))
        s->markRead(target, time);
}

void ChatController::search(int session, const QString &target, const QString &words)
{
    if (ClientSession *s = this->session(session))
        s->search(target, words);
}

QList<int> ChatController::sessionIds() const
{
    QList<int> ids;
    for (const Entry &e : m_entries)
        ids.append(e.id);
    return ids;
}

void ChatController::emitEvent(ChatEvent::Type type, int session, const QString &text, const QString &nick,
                               const QString &channel, bool own)
{
    ChatEvent ev = ChatEvent::make(type, text, nick, channel, own);
    ev.session = session;
    Q_EMIT event(ev);
}

int ChatController::openSession(const ClientSession::Options &options)
{
    auto *session = new ClientSession(this);
    session->setOptions(options);
    const int id = m_nextId++;
    session->setId(id);
    m_entries.append({id, session, options.channels.value(0), {}, std::nullopt});
    connect(session, &ClientSession::event, this, &ChatController::onSessionEvent);
    connect(session, &ClientSession::synced, this, [this, id](const QString &token) {
        if (m_pendingSyncs.remove(QStringLiteral("%1:%2").arg(id).arg(token)) && m_pendingSyncs.isEmpty())
            quitAll();
    });
    m_active = id;
    Q_EMIT statusChanged();
    session->open();
    return id;
}

void ChatController::onSessionEvent(const ChatEvent &ev)
{
    using T = ChatEvent::Type;
    Entry *e = entry(ev.session);
    if (!e)
        return;
    if (ev.type == T::Message && !ev.own && isIgnored(ev.nick))
        return;
    if (ev.type == T::ChannelListed && e->listFilter && !e->listFilter->isEmpty()
        && !ev.channel.contains(*e->listFilter, Qt::CaseInsensitive)
        && !ev.text.contains(*e->listFilter, Qt::CaseInsensitive))
        return;
    // What the controller keeps of its own (the current conversation) follows the event before
    // a view renders it.
    if (ev.type == T::Join && ev.own)
        e->current = ev.channel;
    if ((ev.type == T::Part || ev.type == T::Kick) && ev.own
        && e->current.compare(ev.channel, Qt::CaseInsensitive) == 0)
        e->current = e->session->channels().value(0);
    Q_EMIT event(ev);
    switch (ev.type) {
    case T::State:
        Q_EMIT statusChanged();
        if (ev.state == SessionState::Disconnected)
            checkFinished();
        break;
    case T::Join:
    case T::Part:
    case T::Kick:
    case T::Quit:
    case T::Nick:
    case T::Mode:
    case T::Names:
        Q_EMIT statusChanged(); // the user count or our own nick
        if (ev.type == T::Names && e->pendingNames.remove(ev.channel.toLower()))
            sayNames(e->session, ev.channel);
        break;
    default:
        break;
    }
}

void ChatController::execute(const QString &line) { execute(ChatCommand::parse(line)); }

void ChatController::say(int id, const QString &text)
{
    Entry *e = entry(id);
    if (!e) {
        fail(tr("No session %1 (see /sessions)").arg(id));
        return;
    }
    if (e->current.isEmpty()) {
        fail(tr("You are not in a channel: /join #channel first, or /msg NICK TEXT"));
        return;
    }
    e->session->sendMessage(e->current, text);
}

void ChatController::execute(const ChatCommand &cmd)
{
    using K = ChatCommand::Kind;
    ClientSession *s = activeSession();
    const QString arg0 = cmd.args.value(0);
    const QString arg1 = cmd.args.value(1);
    const bool needsSession = cmd.kind != K::None && cmd.kind != K::Invalid && cmd.kind != K::Help
                              && cmd.kind != K::Connect && cmd.kind != K::Sessions && cmd.kind != K::Quit
                              && cmd.kind != K::Ignore && cmd.kind != K::Unignore && !cmd.isViewCommand()
                              && cmd.kind != K::Switch && cmd.kind != K::Terminate && cmd.kind != K::Send;
    if (needsSession && !s) {
        fail(tr("No open session: /connect HOST [PORT] first"));
        return;
    }
    switch (cmd.kind) {
    case K::None:
        return;
    case K::Invalid:
        fail(cmd.error);
        return;
    case K::Say:
        say(m_active, arg0);
        return;
    case K::Msg:
        s->sendMessage(arg0, arg1);
        return;
    case K::Me:
        if (currentTarget().isEmpty())
            fail(tr("You are not in a channel"));
        else
            s->sendAction(currentTarget(), arg0);
        return;
    case K::Notice:
        s->sendNotice(arg0, arg1);
        return;
    case K::Who: {
        const QString mask = arg0.isEmpty() ? currentTarget() : arg0;
        s->send(IrcCommands::who(mask.isEmpty() ? QStringLiteral("*") : mask));
        return;
    }
    case K::Whois:
        s->send(IrcCommands::whois(arg0));
        return;
    case K::Ctcp:
        s->sendCtcp(arg0, arg1, cmd.args.value(2));
        return;
    case K::Ping:
        s->sendCtcp(arg0, QStringLiteral("PING"));
        return;
    case K::Names: {
        const QString channel = arg0.isEmpty() ? currentTarget() : arg0;
        if (!s->isChannel(channel)) {
            fail(tr("/names needs a channel: /names #CHANNEL"));
            return;
        }
        if (s->channels().contains(channel, Qt::CaseInsensitive)) {
            sayNames(s, channel);
            return;
        }
        // Not one of ours: ask the server, and say what it answers.
        entry(m_active)->pendingNames.insert(channel.toLower());
        s->send(IrcCommands::names(channel));
        return;
    }
    case K::Join: {
        const QString channel = arg0.startsWith(u'#') || arg0.startsWith(u'&') ? arg0 : u'#' + arg0;
        // Already in it: go there, as irssi does, rather than ask the server again.
        for (const QString &mine : s->channels()) {
            if (mine.compare(channel, Qt::CaseInsensitive) == 0) {
                setCurrentTarget(mine);
                info(tr("Talking in %1").arg(mine));
                return;
            }
        }
        s->join(channel);
        return;
    }
    case K::Part: {
        const QString channel = arg0.isEmpty() ? currentTarget() : arg0;
        if (!s->isChannel(channel))
            fail(tr("Not in a channel"));
        else
            s->send(IrcCommands::part(channel, arg1));
        return;
    }
    case K::Nick:
        s->changeNick(arg0);
        return;
    case K::Topic:
        if (!s->isChannel(currentTarget()))
            fail(tr("Not in a channel"));
        else if (arg0.isEmpty())
            s->requestTopic(currentTarget());
        else
            s->send(IrcCommands::topic(currentTarget(), arg0));
        return;
    case K::Away:
        s->send(IrcCommands::away(arg0));
        return;
    case K::Kick: {
        if (!s->isChannel(currentTarget())) {
            fail(tr("Not in a channel"));
            return;
        }
        const QStringList words = arg0.split(u' ', Qt::SkipEmptyParts);
        s->send(IrcCommands::kick(currentTarget(), words.value(0), arg1.isEmpty() ? s->nick() : arg1));
        return;
    }
    case K::Invite: {
        const QString channel = arg1.isEmpty() ? currentTarget() : arg1;
        if (!s->isChannel(channel)) {
            fail(tr("usage: /invite NICK [#CHANNEL]"));
            return;
        }
        s->send(IrcCommands::invite(arg0, channel));
        return;
    }
    case K::Mode:
        if (arg0.isEmpty() || arg0.startsWith(u'+') || arg0.startsWith(u'-')) {
            if (!s->isChannel(currentTarget())) {
                fail(tr("usage: /mode TARGET [MODES [ARGS]]"));
                return;
            }
            s->send(IrcCommands::mode(currentTarget(), arg0));
        } else {
            s->send(IrcCommands::mode(arg0.section(u' ', 0, 0), arg0.section(u' ', 1)));
        }
        return;
    case K::Register:
        s->registerAccount(arg0);
        return;
    case K::Oper:
        s->send(IrcCommands::oper(arg0, arg1));
        return;
    case K::Quit:
        quitAll(arg0);
        return;
    case K::Help:
        for (const QString &line : ChatCommand::help().split(u'\n'))
            info(line);
        return;
    case K::Raw:
        s->sendRaw(arg0);
        return;
    case K::Connect: {
        ClientSession::Options o = s ? s->options() : ClientSession::Options();
        quint16 port = 0;
        bool tls = false;
        bool ok = ServerAddress::parse(arg0, &o.host, &port, &tls);
        if (ok && !arg1.isEmpty())
            port = quint16(arg1.toUInt(&ok));
        if (!ok || (!arg1.isEmpty() && port == 0)) {
            fail(tr("usage: /connect HOST [PORT] (ircs://HOST[:PORT] for TLS)"));
            return;
        }
        o.tls = tls;
        o.port = port ? port : ServerAddress::defaultPort(tls);
        if (s)
            o.nick = s->nick().isEmpty() ? o.nick : s->nick();
        if (o.nick.isEmpty())
            o.nick = QStringLiteral("guest");
        openSession(o);
        return;
    }
    case K::ChannelList:
        entry(m_active)->listFilter = arg0.isEmpty() ? std::optional<QString>(QString()) : std::optional<QString>(arg0);
        s->send(IrcCommands::list());
        return;
    case K::Version:
        if (arg0.isEmpty())
            s->send(IrcCommands::version());
        else
            s->sendCtcp(arg0, QStringLiteral("VERSION"));
        return;
    case K::Ignore:
        if (arg0.isEmpty()) {
            info(m_ignored.isEmpty() ? tr("Nobody is ignored") : tr("Ignoring: %1").arg(m_ignored.join(u' ')));
        } else if (!m_ignored.contains(arg0, Qt::CaseInsensitive)) {
            m_ignored.append(arg0);
            info(tr("Ignoring %1: their messages are not shown (/unignore %1)").arg(arg0));
        }
        return;
    case K::Unignore:
        if (m_ignored.removeIf([&](const QString &n) { return n.compare(arg0, Qt::CaseInsensitive) == 0; }) > 0)
            info(tr("No longer ignoring %1").arg(arg0));
        else
            fail(tr("%1 is not ignored (/ignore lists who is)").arg(arg0));
        return;
    case K::Window:
    case K::Close:
    case K::Clear:
    case K::Lastlog:
    case K::Set:
        fail(tr("That works in the full-screen view only"));
        return;
    case K::Sessions:
        if (m_entries.isEmpty()) {
            info(tr("No open sessions"));
            return;
        }
        info(tr("id  address          port   nick  state"));
        for (const Entry &e : std::as_const(m_entries)) {
            const ClientSession::Options &o = e.session->options();
            info(QStringLiteral("%1%2  %3  %4  %5  %6")
                     .arg(e.id == m_active ? QStringLiteral("*") : QStringLiteral(" "))
                     .arg(e.id)
                     .arg(o.host, -15)
                     .arg(o.port, -5)
                     .arg(e.session->nick().isEmpty() ? o.nick : e.session->nick())
                     .arg(sessionStateName(e.session->state())));
        }
        return;
    case K::Switch:
    case K::Terminate:
    case K::Send: {
        bool ok = false;
        const int id = arg0.toInt(&ok);
        Entry *e = ok ? entry(id) : nullptr;
        if (!e) {
            fail(tr("No session %1 (see /sessions)").arg(arg0));
            return;
        }
        if (cmd.kind == K::Switch) {
            m_active = id;
            info(tr("Session %1 is now active").arg(id));
            Q_EMIT statusChanged();
        } else if (cmd.kind == K::Send) {
            say(id, arg1);
        } else {
            ClientSession *victim = e->session;
            m_entries.removeIf([id](const Entry &x) { return x.id == id; });
            victim->quit(tr("Terminated"));
            // Let the QUIT go out before the socket object dies.
            connect(victim, &ClientSession::event, victim, [victim](const ChatEvent &ev) {
                if (ev.type == ChatEvent::Type::State && ev.state == SessionState::Disconnected)
                    victim->deleteLater();
            });
            if (victim->state() == ClientSession::State::Disconnected)
                victim->deleteLater();
            if (m_active == id)
                m_active = m_entries.isEmpty() ? 0 : m_entries.first().id;
            info(tr("Session %1 terminated").arg(id));
            Q_EMIT statusChanged();
            checkFinished();
        }
        return;
    }
    case K::MyIp:
        info(tr("Your address: %1").arg(s->localAddress().toString()));
        return;
    case K::MyPort:
        info(tr("Your port: %1").arg(s->localPort()));
        return;
    case K::Query:
        setCurrentTarget(arg0);
        info(tr("Talking to %1").arg(arg0));
        return;
    }
}

void ChatController::finishInput()
{
    if (m_entries.isEmpty()) {
        quitAll();
        return;
    }
    // A PING round trip per session: its PONG comes after the server's answers to everything
    // sent before, so a script sees the replies to its own commands.
    for (const Entry &e : std::as_const(m_entries)) {
        const QString token = QStringLiteral("eof");
        m_pendingSyncs.insert(QStringLiteral("%1:%2").arg(e.id).arg(token));
        e.session->sync(token);
    }
}

void ChatController::quitAll(const QString &reason)
{
    m_quitting = true;
    m_pendingSyncs.clear();
    for (const Entry &e : std::as_const(m_entries))
        e.session->quit(reason);
    checkFinished();
}

void ChatController::checkFinished()
{
    if (!m_quitting)
        return;
    for (const Entry &e : std::as_const(m_entries))
        if (e.session->state() != ClientSession::State::Disconnected)
            return;
    m_quitting = false;
    Q_EMIT finished();
}

bool ChatController::isIgnored(const QString &nick) const
{
    for (const QString &pattern : m_ignored) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(pattern),
                                    QRegularExpression::CaseInsensitiveOption);
        if (re.match(nick).hasMatch())
            return true;
    }
    return false;
}

void ChatController::sayNames(const ClientSession *s, const QString &channel)
{
    ChatEvent ev = ChatEvent::make(ChatEvent::Type::NickList, {}, {}, channel);
    ev.session = s->id();
    ev.list = s->members(channel);
    Q_EMIT event(ev);
}
