// SPDX-License-Identifier: MIT
#include "chatcommand.h"

#include <QHash>

namespace {
struct Spec {
    ChatCommand::Kind kind;
    int minArgs; // arguments that must be present
    int maxArgs; // the last one takes the rest of the line; -1: no limit check
    const char *usage;
};

const QHash<QString, Spec> &commands()
{
    using K = ChatCommand::Kind;
    static const QHash<QString, Spec> table = {
        {QStringLiteral("msg"), {K::Msg, 2, 2, "/msg NICK TEXT"}},
        {QStringLiteral("me"), {K::Me, 1, 1, "/me TEXT"}},
        {QStringLiteral("notice"), {K::Notice, 2, 2, "/notice TARGET TEXT"}},
        {QStringLiteral("who"), {K::Who, 0, 1, "/who [MASK]"}},
        {QStringLiteral("whois"), {K::Whois, 1, 1, "/whois NICK"}},
        {QStringLiteral("names"), {K::Names, 0, 1, "/names [#CHANNEL]"}},
        {QStringLiteral("ctcp"), {K::Ctcp, 2, 3, "/ctcp TARGET COMMAND [ARGS]"}},
        {QStringLiteral("ping"), {K::Ping, 1, 1, "/ping NICK"}},
        {QStringLiteral("join"), {K::Join, 1, 1, "/join #CHANNEL"}},
        {QStringLiteral("part"), {K::Part, 0, 2, "/part [#CHANNEL] [REASON]"}},
        {QStringLiteral("leave"), {K::Part, 0, 2, "/leave [#CHANNEL] [REASON]"}},
        {QStringLiteral("nick"), {K::Nick, 1, 1, "/nick NEWNICK"}},
        {QStringLiteral("topic"), {K::Topic, 0, 1, "/topic [TEXT]"}},
        {QStringLiteral("away"), {K::Away, 0, 1, "/away [MESSAGE]"}},
        {QStringLiteral("quit"), {K::Quit, 0, 1, "/quit [REASON]"}},
        {QStringLiteral("exit"), {K::Quit, 0, 1, "/exit"}},
        {QStringLiteral("help"), {K::Help, 0, 1, "/help"}},
        {QStringLiteral("raw"), {K::Raw, 1, 1, "/raw IRC LINE"}},
        {QStringLiteral("quote"), {K::Raw, 1, 1, "/quote IRC LINE"}},
        {QStringLiteral("connect"), {K::Connect, 1, 2, "/connect HOST [PORT]"}},
        {QStringLiteral("sessions"), {K::Sessions, 0, 0, "/sessions"}},
        {QStringLiteral("list"), {K::ChannelList, 0, 1, "/list [FILTER]"}},
        {QStringLiteral("version"), {K::Version, 0, 1, "/version [NICK]"}},
        {QStringLiteral("ignore"), {K::Ignore, 0, 1, "/ignore [NICK]"}},
        {QStringLiteral("unignore"), {K::Unignore, 1, 1, "/unignore NICK"}},
        {QStringLiteral("window"), {K::Window, 1, 1, "/window N|next|prev|close|list"}},
        {QStringLiteral("close"), {K::Close, 0, 0, "/close"}},
        {QStringLiteral("wc"), {K::Close, 0, 0, "/wc"}},
        {QStringLiteral("clear"), {K::Clear, 0, 0, "/clear"}},
        {QStringLiteral("c"), {K::Clear, 0, 0, "/c"}},
        {QStringLiteral("cl"), {K::Clear, 0, 0, "/cl"}},
        {QStringLiteral("lastlog"), {K::Lastlog, 1, 1, "/lastlog WORDS"}},
        {QStringLiteral("set"), {K::Set, 2, 2, "/set nicklist on|off"}},
        {QStringLiteral("terminate"), {K::Terminate, 1, 1, "/terminate ID"}},
        {QStringLiteral("send"), {K::Send, 2, 2, "/send ID TEXT"}},
        {QStringLiteral("myip"), {K::MyIp, 0, 0, "/myip"}},
        {QStringLiteral("myport"), {K::MyPort, 0, 0, "/myport"}},
        {QStringLiteral("switch"), {K::Switch, 1, 1, "/switch ID"}},
        {QStringLiteral("query"), {K::Query, 1, 1, "/query NICK"}},
        {QStringLiteral("kick"), {K::Kick, 1, 2, "/kick NICK [REASON]"}},
        {QStringLiteral("invite"), {K::Invite, 1, 2, "/invite NICK [#CHANNEL]"}},
        {QStringLiteral("mode"), {K::Mode, 0, 1, "/mode [+MODES ARGS] or /mode TARGET MODES ARGS"}},
        {QStringLiteral("oper"), {K::Oper, 2, 2, "/oper NAME PASSWORD"}},
        {QStringLiteral("register"), {K::Register, 1, 1, "/register PASSWORD"}},
        // irssi's short forms, for the fingers that know them.
        {QStringLiteral("j"), {K::Join, 1, 1, "/j #CHANNEL"}},
        {QStringLiteral("q"), {K::Query, 1, 1, "/q NICK"}},
        {QStringLiteral("w"), {K::Who, 0, 1, "/w [MASK]"}},
        {QStringLiteral("wi"), {K::Whois, 1, 1, "/wi NICK"}},
        {QStringLiteral("n"), {K::Names, 0, 1, "/n [#CHANNEL]"}},
        {QStringLiteral("t"), {K::Topic, 0, 1, "/t [TEXT]"}},
        {QStringLiteral("m"), {K::Msg, 2, 2, "/m NICK TEXT"}},
        {QStringLiteral("k"), {K::Kick, 1, 2, "/k NICK [REASON]"}},
        {QStringLiteral("bye"), {K::Quit, 0, 1, "/bye [REASON]"}},
    };
    return table;
}

// Splits `text` into at most `max` words, the last one keeping the rest of the line.
QStringList splitArgs(const QString &text, int max)
{
    QStringList out;
    QString rest = text.trimmed();
    while (!rest.isEmpty()) {
        if (max >= 0 && out.size() == max - 1) {
            out.append(rest);
            break;
        }
        const qsizetype space = rest.indexOf(u' ');
        if (space < 0) {
            out.append(rest);
            break;
        }
        out.append(rest.left(space));
        rest = rest.mid(space + 1).trimmed();
    }
    return out;
}

ChatCommand make(ChatCommand::Kind kind, QStringList args = {})
{
    ChatCommand c;
    c.kind = kind;
    c.args = std::move(args);
    return c;
}

ChatCommand invalid(const QString &error)
{
    ChatCommand c;
    c.kind = ChatCommand::Kind::Invalid;
    c.error = error;
    return c;
}
} // namespace

ChatCommand ChatCommand::parse(const QString &input)
{
    QString line = input;
    while (line.endsWith(u'\n') || line.endsWith(u'\r'))
        line.chop(1);
    const QString trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return make(Kind::None);

    // The seeds' aliases (docs/origins.md).
    if (trimmed == u"\\q" || trimmed == u"QUIT" || trimmed == u"!logout")
        return make(Kind::Quit);
    if (trimmed == u"!who")
        return make(Kind::Who);
    if (trimmed.startsWith(u"!msg ") || trimmed == u"!msg") {
        const QStringList args = splitArgs(trimmed.mid(4), 2);
        if (args.size() < 2)
            return invalid(QStringLiteral("usage: !msg NICK TEXT"));
        return make(Kind::Msg, args);
    }
    if (trimmed.startsWith(u'@') && trimmed.size() > 1 && !trimmed.at(1).isSpace()) {
        const QStringList args = splitArgs(trimmed.mid(1), 2);
        if (args.size() < 2)
            return invalid(QStringLiteral("usage: @NICK TEXT"));
        return make(Kind::Msg, args);
    }

    if (!line.startsWith(u'/'))
        return make(Kind::Say, {line});
    if (line.startsWith(u"//"))
        return make(Kind::Say, {line.mid(1)}); // "//text" says "/text"

    const qsizetype space = line.indexOf(u' ');
    const QString name = line.mid(1, space < 0 ? -1 : space - 1).toLower();
    const QString rest = space < 0 ? QString() : line.mid(space + 1);
    const auto it = commands().constFind(name);
    if (it == commands().cend())
        return invalid(QStringLiteral("unknown command /%1 (see /help)").arg(name));
    const Spec &spec = *it;
    QStringList args = splitArgs(rest, spec.maxArgs);
    if (args.size() < spec.minArgs || (spec.maxArgs == 0 && !args.isEmpty()))
        return invalid(QStringLiteral("usage: %1").arg(QString::fromLatin1(spec.usage)));
    if (spec.kind == Kind::Part && !args.isEmpty() && !args.first().startsWith(u'#')) {
        // "/part bye now" leaves the current channel with that reason.
        args = QStringList {QString(), rest.trimmed()};
    }
    return make(spec.kind, args);
}

QString ChatCommand::help()
{
    return QStringLiteral("Commands:\n"
                          "  TEXT                    say TEXT in the current channel (//TEXT to start with '/')\n"
                          "  /msg NICK TEXT          private message (also @NICK TEXT and !msg NICK TEXT)\n"
                          "  /me TEXT                an action: * you TEXT\n"
                          "  /notice TARGET TEXT     a notice\n"
                          "  /who [MASK]             who is here (also !who)\n"
                          "  /whois NICK             about someone\n"
                          "  /names [#CHANNEL]       who is in a channel, operators (@) and voiced (+) first\n"
                          "  /ctcp TARGET CMD [ARGS] a CTCP request (VERSION, TIME, CLIENTINFO, PING)\n"
                          "  /ping NICK              how long a round trip to someone's client takes\n"
                          "  /join #CHANNEL          join a channel and make it current\n"
                          "  /part [#CHANNEL] [WHY]  leave a channel (the current one by default)\n"
                          "  /query NICK             make a private conversation current\n"
                          "  /nick NEWNICK           change your nickname\n"
                          "  /topic [TEXT]           show or set the current channel's topic\n"
                          "  /away [MESSAGE]         set or clear your away message\n"
                          "  /mode [+MODES [ARGS]]   show or change the current channel's modes (+o NICK, +v, +m,\n"
                          "                          +t, +b MASK, +k KEY, +l N, +i); /mode TARGET ... for another\n"
                          "  /kick NICK [REASON]     put someone out of the current channel (channel operators)\n"
                          "  /invite NICK [#CHANNEL] invite someone (to the current channel by default)\n"
                          "  /oper NAME PASSWORD     become a server operator\n"
                          "  /register PASSWORD      register your nick as an account (then: confab --account NICK)\n"
                          "  /raw LINE               send a raw IRC line\n"
                          "  /list [FILTER]          the server's channels (those whose name or topic has FILTER)\n"
                          "  /version [NICK]         the server's version, or NICK's client's\n"
                          "  /ignore [NICK]          hide NICK's messages (* and ? match any); no NICK: the list\n"
                          "  /unignore NICK          show them again\n"
                          "  /window N               go to window N (also Alt+1..9, Alt+0, Ctrl+N/P, Alt+arrows);\n"
                          "                          /window next, prev, close, list\n"
                          "  /close                  close the current window, leaving its channel (also /wc)\n"
                          "  /clear                  empty the current window (also /c, /cl)\n"
                          "  /lastlog WORDS          the current window's lines that contain WORDS\n"
                          "  /set nicklist on|off    the channel's members beside its messages (also F7)\n"
                          "  /connect HOST [PORT]    open another session (ircs://HOST for TLS); /sessions lists them\n"
                          "  /switch ID              make session ID the active one\n"
                          "  /send ID TEXT           say TEXT through session ID\n"
                          "  /terminate ID           close session ID\n"
                          "  /myip, /myport          the active session's local address and port\n"
                          "  /quit [REASON]          leave (also /exit, /bye, \\q, QUIT, !logout)\n"
                          "Short forms, as in irssi: /j (join), /q (query), /w (who), /wi (whois), /n (names),\n"
                          "  /t (topic), /m (msg), /k (kick).");
}
