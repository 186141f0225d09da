// SPDX-License-Identifier: MIT
#include "serveroptions.h"

#include "postgresaddress.h"
#include "protocol/ircnames.h"
#include "redisaddress.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <memory>

namespace {

const QString DefaultConfig = QStringLiteral(CONFAB_DEFAULT_CONFIG);

struct OptionSpec {
    const char *name;
    const char *valueName; // nullptr: a flag
    const char *description;
};

// Every option, in --help order. Each is also a key of the configuration file.
const OptionSpec Options[] = {
    {"config", "FILE",
     "Read options from an INI file (keys as the long options); the command line wins. Default " CONFAB_DEFAULT_CONFIG
     " when it exists; '' for none."},
    {"listen", "HOST:PORT",
     "Listen on HOST:PORT ([V6]:PORT for IPv6); repeatable. Default 127.0.0.1:6667 when neither --listen nor --tls-listen is given."},
    {"tls-listen", "HOST:PORT",
     "Listen for TLS connections on HOST:PORT (port 6697 by convention); repeatable. Needs --tls-cert and --tls-key."},
    {"tls-cert", "FILE", "PEM certificate (chain) for the TLS listeners; re-read on SIGHUP."},
    {"tls-key", "FILE", "PEM private key (unencrypted) for the TLS listeners; re-read on SIGHUP."},
    {"name", "NAME", "Server name shown to clients (default confab.local)."},
    {"network", "NAME", "Network name in the welcome message and ISUPPORT (default Confab)."},
    {"motd", "FILE", "File with the message of the day."},
    {"autojoin", "CHANNEL", "Channel every new client joins (default #lobby; '' for none)."},
    {"password", "PASS", "Server password clients must send with PASS."},
    {"oper", "NAME:PASSWORD",
     "An IRC operator account for OPER; repeatable. PASSWORD may be a hash from --hash-password."},
    {"hash-password", nullptr, "Read a password on standard input, print its hash for --oper NAME:HASH, and exit."},
    {"max-clients", "N", "Maximum simultaneous connections (default 0: no limit)."},
    {"max-per-ip", "N", "Maximum connections from one address (default 10; 0: no limit)."},
    {"exempt", "CIDR",
     "Network exempt from --max-per-ip; repeatable (default 127.0.0.0/8 and ::1; 'none' for no exemption)."},
    {"no-local-ident", nullptr,
     "Do not look up which local user a loopback connection belongs to (by default the username is that login name, and --max-per-ip counts per local user)."},
    {"flood-exempt", "CIDR",
     "Network exempt from flood control; repeatable (default none: flood control applies to everyone, local users too)."},
    {"threads", "N", "Worker threads: N for a pool of N (default: one per CPU core), 0 for one thread per connection."},
    {"ping-interval", "SECONDS", "Seconds of silence before the server sends PING (default 120)."},
    {"ping-timeout", "SECONDS", "Seconds to wait for an answer to PING (default 60)."},
    {"registration-timeout", "SECONDS", "Seconds a new connection has to register (default 60)."},
    {"sendq", "BYTES", "Unsent bytes allowed per connection before it is dropped (default 1048576)."},
    {"recvq", "BYTES",
     "Bytes of input held back by flood control before the client is dropped, and of any client's input waiting for the hub before reading pauses (default 16384)."},
    {"flood-burst", "LINES", "Lines a client may send at once (default 30)."},
    {"flood-rate", "LINES", "Lines per second a client may send after the burst (default 5; 0: no flood control)."},
    {"max-channels", "N", "Channels one client may join (default 50)."},
    {"nick-len", "N", "Longest nickname in bytes (default 30, at most 64)."},
    {"channel-len", "N", "Longest channel name in bytes (default 50, at most 64)."},
    {"database-password-file", "FILE",
     "Read the password of a postgresql:// --database from FILE (its first line), so that it is not on the command line or in the configuration file."},
    {"database", "FILE|URL",
     "The database of history and accounts: an SQLite file, created if missing, or postgresql://USER:PASSWORD@HOST:PORT/DB for PostgreSQL (several nodes). Default $XDG_DATA_HOME/confab/confab.db (~/.local/share/confab/confab.db); ':memory:' keeps them only while the server runs."},
    {"no-history", nullptr,
     "Keep no history: no CHATHISTORY, SEARCH or playback on join (the database keeps accounts only)."},
    {"history-days", "DAYS", "Days history is kept (default 30; 0: for ever)."},
    {"history-playback", "LINES",
     "Lines of a channel replayed to clients that join it and do not fetch history themselves (default 25; 0: none)."},
    {"history-events", "LIST",
     "Channel events kept besides messages: any of join, part, quit, kick, nick, topic, mode; all (default) or none."},
    {"history-per-target", "N", "At most N events kept per channel or private conversation (default 100000)."},
    {"registration", "open|closed",
     "Whether anyone may register an account (REGISTER, NickServ REGISTER), or only operators (default open)."},
    {"allow-plaintext-sasl", nullptr,
     "Accept SASL PLAIN over unencrypted connections from other machines (by default only TLS and loopback connections may send a password that way)."},
    {"nick-grace", "SECONDS",
     "Seconds someone using a registered nick has to log in before being renamed (default 30)."},
    {"cluster", "URL",
     "Run as one node of a network of servers sharing this Redis: redis://[:PASSWORD@]HOST:PORT[/DB] (docs/cluster.md). Needs --node."},
    {"node", "NAME", "This node's name in the cluster: 1 to 32 letters, digits and '-', unique in it."},
    {"node-lease", "SECONDS",
     "How long this node's lease in Redis lasts: after a crash, its users quit everywhere within that (default 10)."},
    {"log-level", "LEVEL", "error, warning, info (default: connections, registrations, disconnects) or debug."},
    {"console", nullptr, "Read operator commands from standard input even when it is not a terminal."},
};

// Where each value comes from: the command line if given there, else the file.
class Source {
public:
    Source(const QCommandLineParser &parser, const QSettings *file, QString fileName)
        : m_parser(parser)
        , m_file(file)
        , m_fileName(std::move(fileName))
    {
    }

    bool isSet(const QString &name) const { return m_parser.isSet(name) || (m_file && m_file->contains(name)); }

    QStringList values(const QString &name) const
    {
        if (m_parser.isSet(name))
            return m_parser.values(name);
        if (m_file && m_file->contains(name))
            return m_file->value(name).toStringList(); // "a, b" in the file is a list
        return {};
    }

    QString value(const QString &name) const
    {
        if (m_parser.isSet(name))
            return m_parser.value(name);
        if (m_file && m_file->contains(name)) {
            const QVariant v = m_file->value(name);
            // An unquoted comma makes QSettings split the value; a single value keeps it whole.
            return v.userType() == QMetaType::QStringList ? v.toStringList().join(u',') : v.toString();
        }
        return {};
    }

    bool flag(const QString &name) const
    {
        if (m_parser.isSet(name))
            return true;
        if (!m_file || !m_file->contains(name))
            return false;
        const QString v = m_file->value(name).toString().toLower();
        return v == u"true" || v == u"yes" || v == u"on" || v == u"1";
    }

    // How to name the option in an error message.
    QString origin(const QString &name) const
    {
        if (m_parser.isSet(name) || !m_file)
            return QStringLiteral("--") + name;
        return QStringLiteral("'%1' in %2").arg(name, m_fileName);
    }

private:
    const QCommandLineParser &m_parser;
    const QSettings *m_file;
    QString m_fileName;
};

bool readNumber(const Source &src, const QString &name, qint64 min, qint64 max, qint64 *out, QString *error)
{
    if (!src.isSet(name))
        return true;
    bool ok = false;
    const qint64 value = src.value(name).trimmed().toLongLong(&ok);
    if (!ok || value < min || value > max) {
        *error = QStringLiteral("%1 needs a whole number from %2 to %3").arg(src.origin(name)).arg(min).arg(max);
        return false;
    }
    *out = value;
    return true;
}

bool readInt(const Source &src, const QString &name, int min, int max, int *out, QString *error)
{
    qint64 value = *out;
    if (!readNumber(src, name, min, max, &value, error))
        return false;
    *out = int(value);
    return true;
}

bool readSeconds(const Source &src, const QString &name, int *outMs, QString *error)
{
    if (!src.isSet(name))
        return true;
    bool ok = false;
    const double seconds = src.value(name).trimmed().toDouble(&ok);
    if (!ok || seconds <= 0 || seconds > 86400) {
        *error = QStringLiteral("%1 needs a number of seconds (0 < s <= 86400)").arg(src.origin(name));
        return false;
    }
    *outMs = int(seconds * 1000);
    return true;
}

} // namespace

ServerOptions::Outcome ServerOptions::parse(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Confab chat server: a small, fast IRC server."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    for (const OptionSpec &o : Options) {
        if (o.valueName)
            parser.addOption(
                {QString::fromLatin1(o.name), QString::fromUtf8(o.description), QString::fromLatin1(o.valueName)});
        else
            parser.addOption({QString::fromLatin1(o.name), QString::fromUtf8(o.description)});
    }
    if (!parser.parse(args)) {
        m_message = parser.errorText() + QStringLiteral(" (see --help)");
        return Outcome::Error;
    }
    if (parser.isSet(help)) {
        m_message = parser.helpText();
        return Outcome::Exit;
    }
    if (parser.isSet(version)) {
        m_message = QCoreApplication::applicationName() + u' ' + QCoreApplication::applicationVersion() + u'\n';
        return Outcome::Exit;
    }
    if (parser.isSet(QStringLiteral("hash-password"))) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            m_message = QStringLiteral("--hash-password: cannot read standard input");
            return Outcome::Error;
        }
        const QByteArray password = in.readLine().trimmed();
        if (password.isEmpty()) {
            m_message = QStringLiteral("--hash-password: no password on standard input");
            return Outcome::Error;
        }
        m_message = QString::fromLatin1(OperAccount::hash(password)) + u'\n';
        return Outcome::Exit;
    }
    if (!parser.positionalArguments().isEmpty()) {
        m_message = QStringLiteral("unexpected argument '%1' (see --help)").arg(parser.positionalArguments().first());
        return Outcome::Error;
    }

    std::unique_ptr<QSettings> file;
    // The installed configuration is read without --config, so that the service, an operator
    // at a shell and a package's test all run the same server; an explicit '' reads none.
    QString fileName = parser.value(QStringLiteral("config"));
    const bool implicitFile = !parser.isSet(QStringLiteral("config")) && QFileInfo::exists(DefaultConfig);
    if (implicitFile)
        fileName = DefaultConfig;
    if (!fileName.isEmpty()) {
        const QFileInfo info(fileName);
        if (!info.isFile() || !info.isReadable()) {
            m_message = implicitFile
                            ? QStringLiteral("cannot read %1, the default configuration (--config '' reads none)")
                                  .arg(fileName)
                            : QStringLiteral("--config: cannot read %1").arg(fileName);
            return Outcome::Error;
        }
        file = std::make_unique<QSettings>(fileName, QSettings::IniFormat);
        if (file->status() != QSettings::NoError) {
            m_message = QStringLiteral("--config: %1 is not a valid INI file").arg(fileName);
            return Outcome::Error;
        }
        // A misspelt key would otherwise be silently ignored.
        for (const QString &key : file->allKeys()) {
            const bool known = std::any_of(std::begin(Options), std::end(Options), [&](const OptionSpec &o) {
                return key == QLatin1String(o.name) && key != u"config";
            });
            if (!known) {
                m_message
                    = QStringLiteral("--config: unknown key '%1' in %2 (see --help for the names)").arg(key, fileName);
                return Outcome::Error;
            }
        }
    }
    const Source src(parser, file.get(), fileName);
    ServerConfig &config = m_config;
    config.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toLatin1();
    QString error;
    auto fail = [this](const QString &text) {
        m_message = text;
        return Outcome::Error;
    };

    QStringList listen = src.values(QStringLiteral("listen"));
    const QStringList tlsListen = src.values(QStringLiteral("tls-listen"));
    if (listen.isEmpty() && tlsListen.isEmpty())
        listen = {QStringLiteral("127.0.0.1:6667")};
    for (const QString &text : listen) {
        ListenAddress address;
        if (!ListenAddress::parse(text, &address, &error))
            return fail(QStringLiteral("%1: %2").arg(src.origin(QStringLiteral("listen")), error));
        config.listen.append(address);
    }
    for (const QString &text : tlsListen) {
        ListenAddress address;
        if (!ListenAddress::parse(text, &address, &error, ServerConfig::DefaultTlsPort))
            return fail(QStringLiteral("%1: %2").arg(src.origin(QStringLiteral("tls-listen")), error));
        address.tls = true;
        config.listen.append(address);
    }
    config.tlsCertFile = src.value(QStringLiteral("tls-cert"));
    config.tlsKeyFile = src.value(QStringLiteral("tls-key"));
    if (!tlsListen.isEmpty() && (config.tlsCertFile.isEmpty() || config.tlsKeyFile.isEmpty()))
        return fail(QStringLiteral("--tls-listen needs --tls-cert FILE and --tls-key FILE"));
    if (tlsListen.isEmpty() && (!config.tlsCertFile.isEmpty() || !config.tlsKeyFile.isEmpty()))
        return fail(QStringLiteral("--tls-cert and --tls-key are for --tls-listen, which is not given"));
    for (const char *key : {"name", "network"}) {
        const QString name = QString::fromLatin1(key);
        if (!src.isSet(name))
            continue;
        const QByteArray value = src.value(name).toUtf8();
        const bool isName = name == u"name";
        const bool word = std::all_of(value.begin(), value.end(), [](char c) { return uchar(c) > ' ' && c != ','; });
        if (value.isEmpty() || !word || value.startsWith(':'))
            return fail(
                QStringLiteral("%1 must be one word, such as %2")
                    .arg(src.origin(name), isName ? QStringLiteral("chat.example.org") : QStringLiteral("Confab")));
        (isName ? config.name : config.network) = value;
    }
    if (src.isSet(QStringLiteral("password")))
        config.password = src.value(QStringLiteral("password")).toUtf8();
    for (const QString &entry : src.values(QStringLiteral("oper"))) {
        const qsizetype colon = entry.indexOf(u':');
        const QByteArray name = entry.left(colon).trimmed().toUtf8();
        const QByteArray secret = colon < 0 ? QByteArray() : entry.mid(colon + 1).toUtf8();
        if (name.isEmpty() || secret.isEmpty() || name.contains(' '))
            return fail(QStringLiteral("%1 needs NAME:PASSWORD (or NAME:HASH from --hash-password)")
                            .arg(src.origin(QStringLiteral("oper"))));
        config.opers.append({name, secret});
    }
    for (const auto &[option, list] : {std::pair {QStringLiteral("exempt"), &config.exempt},
                                       std::pair {QStringLiteral("flood-exempt"), &config.floodExempt}}) {
        if (!src.isSet(option))
            continue;
        list->clear();
        for (const QString &text : src.values(option)) {
            if (text.trimmed() == u"none" || text.trimmed().isEmpty())
                continue;
            const auto subnet = QHostAddress::parseSubnet(text.trimmed());
            if (subnet.first.isNull())
                return fail(QStringLiteral("%1: '%2' is not a network (use e.g. 10.0.0.0/8 or ::1/128)")
                                .arg(src.origin(option), text));
            list->append(subnet);
        }
    }

    qint64 sendq = config.sendqBytes, recvq = config.recvqBytes;
    if (!readInt(src, QStringLiteral("max-clients"), 0, 1'000'000, &config.maxClients, &error)
        || !readInt(src, QStringLiteral("max-per-ip"), 0, 1'000'000, &config.maxPerIp, &error)
        || !readInt(src, QStringLiteral("threads"), 0, 1024, &config.threads, &error)
        || !readInt(src, QStringLiteral("flood-burst"), 1, 100'000, &config.floodBurst, &error)
        || !readInt(src, QStringLiteral("max-channels"), 1, 10'000, &config.maxChannelsPerClient, &error)
        || !readInt(src, QStringLiteral("nick-len"), 1, IrcNames::MaxNameLen, &config.nickLen, &error)
        || !readInt(src, QStringLiteral("channel-len"), 2, IrcNames::MaxNameLen, &config.channelLen, &error)
        || !readNumber(src, QStringLiteral("sendq"), 1024, qint64(1) << 32, &sendq, &error)
        || !readNumber(src, QStringLiteral("recvq"), 1024, qint64(1) << 30, &recvq, &error)
        || !readSeconds(src, QStringLiteral("ping-interval"), &config.pingIntervalMs, &error)
        || !readSeconds(src, QStringLiteral("ping-timeout"), &config.pingTimeoutMs, &error)
        || !readSeconds(src, QStringLiteral("registration-timeout"), &config.registrationTimeoutMs, &error))
        return fail(error);
    config.sendqBytes = sendq;
    config.recvqBytes = recvq;
    if (src.isSet(QStringLiteral("flood-rate"))) {
        bool ok = false;
        const double rate = src.value(QStringLiteral("flood-rate")).trimmed().toDouble(&ok);
        if (!ok || rate < 0 || rate > 1e6)
            return fail(QStringLiteral("%1 needs a number of lines per second (0 turns flood control off)")
                            .arg(src.origin(QStringLiteral("flood-rate"))));
        config.floodRate = rate;
    }
    if (src.isSet(QStringLiteral("autojoin"))) {
        config.autojoin = src.value(QStringLiteral("autojoin")).toUtf8();
        if (!config.autojoin.isEmpty() && !IrcNames::isValidChannel(config.autojoin, config.channelLen))
            return fail(QStringLiteral("%1: '%2' is not a channel name (it starts with # and is at most %3 bytes)")
                            .arg(src.origin(QStringLiteral("autojoin")), QString::fromUtf8(config.autojoin))
                            .arg(config.channelLen));
    }
    if (src.isSet(QStringLiteral("motd"))) {
        QFile motd(src.value(QStringLiteral("motd")));
        if (!motd.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("%1: cannot read %2: %3")
                            .arg(src.origin(QStringLiteral("motd")), motd.fileName(), motd.errorString()));
        const QByteArray text = motd.read(64 * 1024);
        for (QByteArray line : text.split('\n')) {
            line.replace('\r', "").replace('\0', "");
            config.motd.append(line.left(400));
        }
        while (!config.motd.isEmpty() && config.motd.last().isEmpty())
            config.motd.removeLast();
        config.hasMotd = true;
    }
    if (src.isSet(QStringLiteral("log-level"))) {
        m_logLevel = src.value(QStringLiteral("log-level")).trimmed().toLower();
        if (!QStringList {QStringLiteral("error"), QStringLiteral("warning"), QStringLiteral("info"),
                          QStringLiteral("debug")}
                 .contains(m_logLevel))
            return fail(QStringLiteral("%1 is one of error, warning, info, debug")
                            .arg(src.origin(QStringLiteral("log-level"))));
    }
    config.history = !src.flag(QStringLiteral("no-history"));
    config.database = src.isSet(QStringLiteral("database"))
                          ? src.value(QStringLiteral("database"))
                          : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                                + QStringLiteral("/confab/confab.db");
    if (config.database.isEmpty())
        return fail(QStringLiteral("%1 needs a file name (or :memory:)").arg(src.origin(QStringLiteral("database"))));
    if (PostgresAddress::looksLikeOne(config.database) && !PostgresAddress::parse(config.database, &error))
        return fail(QStringLiteral("%1: %2").arg(src.origin(QStringLiteral("database")), error));
    if (src.isSet(QStringLiteral("database-password-file"))) {
        const QString origin = src.origin(QStringLiteral("database-password-file"));
        if (!PostgresAddress::looksLikeOne(config.database))
            return fail(QStringLiteral("%1 is for a postgresql:// --database").arg(origin));
        QFile file(src.value(QStringLiteral("database-password-file")));
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("%1: cannot read %2: %3").arg(origin, file.fileName(), file.errorString()));
        const QByteArray line = file.readLine(4096);
        config.databasePassword = QString::fromUtf8(line).remove(u'\n').remove(u'\r');
        if (config.databasePassword.isEmpty())
            return fail(QStringLiteral("%1: %2 holds no password").arg(origin, file.fileName()));
    }
    if (src.isSet(QStringLiteral("cluster"))) {
        config.cluster = src.value(QStringLiteral("cluster"));
        if (!RedisAddress::parse(config.cluster, &error))
            return fail(QStringLiteral("%1: %2").arg(src.origin(QStringLiteral("cluster")), error));
        if (!src.isSet(QStringLiteral("node")))
            return fail(QStringLiteral("--cluster needs --node NAME, this node's name in the cluster"));
    }
    if (src.isSet(QStringLiteral("node"))) {
        config.node = src.value(QStringLiteral("node")).toUtf8();
        if (!config.isClustered())
            return fail(QStringLiteral("%1 is only for a node of a cluster (--cluster)")
                            .arg(src.origin(QStringLiteral("node"))));
        if (!ServerConfig::isValidNodeName(config.node))
            return fail(
                QStringLiteral("%1 must be 1 to 32 letters, digits and '-'").arg(src.origin(QStringLiteral("node"))));
    }
    if (!readSeconds(src, QStringLiteral("node-lease"), &config.nodeLeaseMs, &error))
        return fail(error);
    if (!readInt(src, QStringLiteral("history-days"), 0, 100'000, &config.historyDays, &error)
        || !readInt(src, QStringLiteral("history-playback"), 0, 1000, &config.historyPlayback, &error)
        || !readInt(src, QStringLiteral("history-per-target"), 1, 1'000'000'000, &config.historyPerTarget, &error))
        return fail(error);
    if (src.isSet(QStringLiteral("history-events"))) {
        config.historyEvents.clear();
        const QList<QByteArray> all = ServerConfig::allHistoryEvents();
        for (const QString &word : src.values(QStringLiteral("history-events"))) {
            const QByteArray event = word.trimmed().toUpper().toLatin1();
            if (event == "ALL")
                config.historyEvents = all;
            else if (event == "NONE" || event.isEmpty())
                continue;
            else if (all.contains(event))
                config.historyEvents.append(event);
            else
                return fail(QStringLiteral("%1: '%2' is not an event; use any of join, part, quit, kick, nick, topic, "
                                           "mode, or all or none")
                                .arg(src.origin(QStringLiteral("history-events")), word));
        }
    }
    if (src.isSet(QStringLiteral("registration"))) {
        const QString mode = src.value(QStringLiteral("registration")).trimmed().toLower();
        if (mode != u"open" && mode != u"closed")
            return fail(QStringLiteral("%1 is open or closed").arg(src.origin(QStringLiteral("registration"))));
        config.registrationOpen = mode == u"open";
    }
    config.allowPlaintextSasl = src.flag(QStringLiteral("allow-plaintext-sasl"));
    config.identifyLocalUsers = !src.flag(QStringLiteral("no-local-ident"));
    if (!readInt(src, QStringLiteral("nick-grace"), 1, 86'400, &config.nickGraceSeconds, &error))
        return fail(error);
    m_console = src.flag(QStringLiteral("console"));
    return Outcome::Run;
}
