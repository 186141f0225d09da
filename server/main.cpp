// SPDX-License-Identifier: MIT
// confab-server: parse options, start the server, run the operator console, stop cleanly on
// SIGINT/SIGTERM.

#include "chatserver.h"
#include "config/serverlog.h"
#include "config/serveroptions.h"
#include "serverconsole.h"
#include "system/signalwatcher.h"
#include "system/stdinreader.h"

#include <QCoreApplication>
#include <csignal>
#include <cstdio>
#include <memory>
#include <sys/resource.h>
#include <unistd.h>

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

    ServerOptions options;
    switch (options.parse(app.arguments())) {
    case ServerOptions::Outcome::Exit:
        std::fputs(qPrintable(options.message()), stdout);
        return 0;
    case ServerOptions::Outcome::Error:
        std::fprintf(stderr, "confab-server: %s\n", qPrintable(options.message()));
        return 2;
    case ServerOptions::Outcome::Run:
        break;
    }
    ServerLog::setLevel(options.logLevel());

    // Each client is a descriptor: allow as many as the hard limit does (often 1024 soft).
    rlimit files {};
    rlim_t descriptorsWere = 0;
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
        descriptorsWere = files.rlim_cur;
        if (files.rlim_cur < files.rlim_max) {
            files.rlim_cur = files.rlim_max;
            if (::setrlimit(RLIMIT_NOFILE, &files) != 0)
                files.rlim_cur = descriptorsWere;
        }
    }

    ChatServer server(options.takeConfig());
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "confab-server: %s\n", qPrintable(error));
        return 1;
    }
    // Said once started: a refusal at start-up is one line and nothing else.
    if (files.rlim_cur != descriptorsWere)
        qCInfo(lcServer, "file descriptors: up to %llu (the soft limit raised from %llu to the hard limit)",
               static_cast<unsigned long long>(files.rlim_cur), static_cast<unsigned long long>(descriptorsWere));
    else
        qCInfo(lcServer, "file descriptors: up to %llu", static_cast<unsigned long long>(files.rlim_cur));
    bool loopbackOnly = true;
    quint16 firstPort = 0;
    for (const ListenAddress &address : server.boundAddresses()) {
        std::printf("confab-server: listening on %s%s\n", qPrintable(address.toString()), address.tls ? " (TLS)" : "");
        loopbackOnly = loopbackOnly && address.host.isLoopback();
        if (!firstPort)
            firstPort = address.port;
    }
    if (!server.tlsFingerprint().isEmpty())
        std::printf("confab-server: TLS certificate SHA-256 %s\n", qPrintable(server.tlsFingerprint()));
    // The hint names the port it really listens on.
    if (loopbackOnly)
        std::printf("confab-server: only this machine can connect; use --listen 0.0.0.0:%u (or [::]:%u) to accept "
                    "remote clients\n",
                    unsigned(firstPort), unsigned(firstPort));
    std::fflush(stdout);

    SignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &app, [&server](int sig) {
        if (sig == SIGHUP) {
            // New certificate and key for new TLS connections (renewals); nobody is dropped.
            QString why;
            if (server.reloadTls(&why))
                qCInfo(lcServer, "SIGHUP: TLS certificate reloaded, SHA-256 %s", qPrintable(server.tlsFingerprint()));
            else
                qCWarning(lcServer, "SIGHUP: nothing reloaded: %s", qPrintable(why));
            return;
        }
        std::fprintf(stderr, "confab-server: %s received, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
        server.shutdown();
        QCoreApplication::quit();
    });
    // A client that vanishes mid-write must not kill the server.
    std::signal(SIGPIPE, SIG_IGN);

    // The operator console: on a terminal by default, or on any stdin with --console. A server
    // started by systemd (stdin /dev/null) has none.
    std::unique_ptr<ServerConsole> console;
    std::unique_ptr<StdinReader> input;
    if (options.console() || ::isatty(STDIN_FILENO)) {
        console = std::make_unique<ServerConsole>(&server);
        input = std::make_unique<StdinReader>();
        QObject::connect(input.get(), &StdinReader::lineRead, console.get(), [&console](const QString &line) {
            std::fputs(qPrintable(console->execute(line)), stdout);
            std::fflush(stdout);
        });
        QObject::connect(console.get(), &ServerConsole::exitRequested, &app, [&server] {
            std::fprintf(stderr, "confab-server: exit requested on the console, shutting down\n");
            server.shutdown();
            QCoreApplication::quit();
        });
        // End of input ends the console, not the server.
        std::printf("confab-server: operator console ready; type 'help'\n");
        std::fflush(stdout);
    }
    return app.exec();
}
