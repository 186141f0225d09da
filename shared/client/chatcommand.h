// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

// One line of user input, understood. Parsing is pure; ChatController carries it out.
struct ChatCommand {
    enum class Kind {
        None,        // empty line
        Say,         // text to the current conversation
        Msg,         // /msg NICK TEXT, @NICK TEXT, !msg NICK TEXT
        Me,          // /me TEXT
        Notice,      // /notice TARGET TEXT
        Who,         // /who [MASK], !who
        Whois,       // /whois NICK
        Names,       // /names [#CHANNEL]
        Ctcp,        // /ctcp TARGET COMMAND [ARGS]
        Ping,        // /ping NICK: a CTCP PING, whose reply shows the round trip
        Join,        // /join CHANNEL
        Part,        // /part [CHANNEL] [REASON]
        Nick,        // /nick NICK
        Topic,       // /topic [TEXT]
        Away,        // /away [TEXT]
        Quit,        // /quit [REASON], \q, QUIT, !logout, /exit
        Help,        // /help
        Raw,         // /raw LINE
        Connect,     // /connect HOST PORT
        Sessions,    // /sessions: the open sessions
        ChannelList, // /list [FILTER]: the server's channels, those whose name or topic match
        Version,     // /version [NICK]: the server's version, or someone's client (CTCP VERSION)
        Ignore,      // /ignore [NICK]: hide someone's messages (no argument: the list)
        Unignore,    // /unignore NICK
        Window,      // /window N|next|prev|close|list: the full-screen view's windows
        Close,       // /close, /wc: close the current window (leaving its channel)
        Clear,       // /clear, /c, /cl: empty the current window
        Lastlog,     // /lastlog WORDS: the current window's lines that contain WORDS
        Set,         // /set NAME VALUE: a view's setting (the terminal's "nicklist on|off")
        Terminate,   // /terminate ID
        Send,        // /send ID TEXT
        MyIp,        // /myip
        MyPort,      // /myport
        Switch,      // /switch ID: make a session the active one
        Query,       // /query NICK: make a private conversation the current one
        Kick,        // /kick NICK [REASON], in the current channel
        Invite,      // /invite NICK [#CHANNEL]
        Mode,        // /mode [+/-MODES [ARGS]] for the current channel, or /mode TARGET ...
        Oper,        // /oper NAME PASSWORD
        Register,    // /register PASSWORD: an account named after the current nick
        Invalid,     // a known command used wrongly, or an unknown one: see `error`
    };
    Kind kind = Kind::None;
    QStringList args; // positional arguments; the last one holds the rest of the line
    QString error;

    static ChatCommand parse(const QString &line);
    static QString help();
    // A command about how things are shown (windows, clearing, searching back), which a view
    // carries out itself rather than the sessions.
    bool isViewCommand() const
    {
        return kind == Kind::Window || kind == Kind::Close || kind == Kind::Clear || kind == Kind::Lastlog
               || kind == Kind::Set;
    }
};
