// confab-server: parse options, start the server, stop cleanly on SIGINT/SIGTERM.

#include "chatserver.h"
#include "protocol/ircnames.h"
#include "system/signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <csignal>
#include <sys/resource.h>
#include <cstdio>

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "confab-server: %s\n", qPrintable(message));
    return 2;
}

bool parseNumber(const QCommandLineParser &parser, const QString &name, qint64 min, qint64 *out, QString *error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const qint64 value = parser.value(name).toLongLong(&ok);
    if (!ok || value < min) {
        *error = QStringLiteral("--%1 needs a whole number of at least %2").arg(name).arg(min);
        return false;
    }
    *out = value;
    return true;
}

bool parseSeconds(const QCommandLineParser &parser, const QString &name, int *outMs, QString *error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double seconds = parser.value(name).toDouble(&ok);
    if (!ok || seconds <= 0 || seconds > 86400) {
        *error = QStringLiteral("--%1 needs a number of seconds (0 < s <= 86400)").arg(name);
        return false;
    }
    *outMs = int(seconds * 1000);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's plain UNIX event dispatcher instead of GLib's: every worker thread toggles thousands of
    // socket notifiers, which GLib makes expensive. Measured with confab-bench (docs/performance.md):
    // fanout p99 16.1 -> 7.7 ms, saturation 4.2 -> 5.3 M deliveries/s. Must be set before any
    // thread (or the application) creates its dispatcher.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("confab-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Confab chat server: a small, fast IRC server."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("listen"), QStringLiteral("Listen on HOST:PORT ([V6]:PORT for IPv6); repeatable. Default 127.0.0.1:6667."), QStringLiteral("HOST:PORT")},
        {QStringLiteral("name"), QStringLiteral("Server name shown to clients."), QStringLiteral("NAME")},
        {QStringLiteral("motd"), QStringLiteral("File with the message of the day."), QStringLiteral("FILE")},
        {QStringLiteral("autojoin"), QStringLiteral("Channel every new client joins (default #lobby; '' for none)."), QStringLiteral("CHANNEL")},
        {QStringLiteral("password"), QStringLiteral("Server password clients must send with PASS."), QStringLiteral("PASS")},
        {QStringLiteral("max-clients"), QStringLiteral("Maximum simultaneous connections (0: no limit)."), QStringLiteral("N")},
        {QStringLiteral("threads"), QStringLiteral("Worker threads: N for a pool of N (default: one per CPU core), 0 for one thread per connection."), QStringLiteral("N")},
        {QStringLiteral("ping-interval"), QStringLiteral("Seconds of silence before the server sends PING (default 120)."), QStringLiteral("SECONDS")},
        {QStringLiteral("ping-timeout"), QStringLiteral("Seconds to wait for an answer to PING (default 60)."), QStringLiteral("SECONDS")},
        {QStringLiteral("sendq"), QStringLiteral("Unsent bytes allowed per connection before it is dropped (default 1048576)."), QStringLiteral("BYTES")},
    });
    parser.process(app);
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument '%1' (see --help)").arg(parser.positionalArguments().first()));

    ServerConfig config;
    config.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toLatin1();
    QString error;
    const QStringList listen = parser.values(QStringLiteral("listen"));
    for (const QString &text : listen.isEmpty() ? QStringList{QStringLiteral("127.0.0.1:6667")} : listen) {
        ListenAddress address;
        if (!ListenAddress::parse(text, &address, &error))
            return fail(QStringLiteral("--listen: %1").arg(error));
        config.listen.append(address);
    }
    if (parser.isSet(QStringLiteral("name"))) {
        config.name = parser.value(QStringLiteral("name")).toUtf8();
        if (config.name.isEmpty() || config.name.contains(' ') || config.name.startsWith(':'))
            return fail(QStringLiteral("--name must be one word, such as chat.example.org"));
    }
    if (parser.isSet(QStringLiteral("autojoin"))) {
        config.autojoin = parser.value(QStringLiteral("autojoin")).toUtf8();
        if (!config.autojoin.isEmpty() && !IrcNames::isValidChannel(config.autojoin))
            return fail(QStringLiteral("--autojoin: '%1' is not a channel name (it starts with #)").arg(QString::fromUtf8(config.autojoin)));
    }
    config.password = parser.value(QStringLiteral("password")).toUtf8();
    if (parser.isSet(QStringLiteral("motd"))) {
        QFile file(parser.value(QStringLiteral("motd")));
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("--motd: cannot read %1: %2").arg(file.fileName(), file.errorString()));
        const QByteArray text = file.read(64 * 1024);
        for (QByteArray line : text.split('\n')) {
            line.replace('\r', "").replace('\0', "");
            config.motd.append(line.left(400));
        }
        while (!config.motd.isEmpty() && config.motd.last().isEmpty())
            config.motd.removeLast();
        config.hasMotd = true;
    }
    qint64 maxClients = 0, threads = config.threads, sendq = config.sendqBytes;
    if (!parseNumber(parser, QStringLiteral("max-clients"), 0, &maxClients, &error)
        || !parseNumber(parser, QStringLiteral("threads"), 0, &threads, &error)
        || !parseNumber(parser, QStringLiteral("sendq"), 1024, &sendq, &error)
        || !parseSeconds(parser, QStringLiteral("ping-interval"), &config.pingIntervalMs, &error)
        || !parseSeconds(parser, QStringLiteral("ping-timeout"), &config.pingTimeoutMs, &error))
        return fail(error);
    config.maxClients = int(std::min<qint64>(maxClients, 1'000'000));
    config.threads = int(std::min<qint64>(threads, 1024));
    config.sendqBytes = sendq;

    // Each client is a descriptor: allow as many as the hard limit does (often 1024 soft).
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }

    ChatServer server(std::move(config));
    if (!server.start(&error)) {
        std::fprintf(stderr, "confab-server: %s\n", qPrintable(error));
        return 1;
    }
    bool loopbackOnly = true;
    for (const ListenAddress &address : server.boundAddresses()) {
        std::printf("confab-server: listening on %s\n", qPrintable(address.toString()));
        loopbackOnly = loopbackOnly && address.host.isLoopback();
    }
    if (loopbackOnly)
        std::printf("confab-server: only this machine can connect; use --listen 0.0.0.0:6667 (or [::]:6667) to accept remote clients\n");
    std::fflush(stdout);

    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &app, [&server](int sig) {
        std::fprintf(stderr, "confab-server: %s received, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
        server.shutdown();
        QCoreApplication::quit();
    });
    // A client that vanishes mid-write must not kill the server.
    std::signal(SIGPIPE, SIG_IGN);
    return app.exec();
}
