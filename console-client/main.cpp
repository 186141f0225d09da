// SPDX-License-Identifier: MIT
// confab: the terminal client. Full-screen on a terminal, plain lines when piped.

#include "client/chatcontroller.h"
#include "client/connectionoptions.h"
#include "plainview.h"
#include "screenview.h"
#include "system/secretinput.h"
#include "system/signalwatcher.h"
#include "system/stdinreader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>

namespace {

int usageError(const QString &message)
{
    std::fprintf(stderr, "confab: %s (see --help)\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("confab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Confab terminal chat client. Full-screen on a terminal; when stdin or stdout is not a terminal, "
        "each input line is sent and each event printed as one line."));
    parser.addHelpOption();
    parser.addVersionOption();
    ConnectionOptions::addTo(
        parser, {QStringLiteral("HOST[:PORT] (default 127.0.0.1:%1); ircs://HOST[:PORT] or HOST:+PORT for TLS; "
                                "HOST1:PORT,HOST2:PORT for nodes of one network, tried in turn")
                     .arg(ServerAddress::DefaultPort),
                 QStringLiteral("Nickname (asked for on a terminal when missing)."),
                 QStringLiteral("is asked for on the terminal")});
    parser.addOptions({
        {QStringLiteral("send"), QStringLiteral("Send TEXT (a message or a /command), then exit."),
         QStringLiteral("TEXT")},
        {QStringLiteral("format"), QStringLiteral("Plain-mode output: text (default) or json (one object per line)."),
         QStringLiteral("FORMAT"), QStringLiteral("text")},
        {{QStringLiteral("q"), QStringLiteral("quiet")},
         QStringLiteral("Plain mode: leave out the server's welcome and MOTD and the connection notices.")},
        {QStringLiteral("plain"), QStringLiteral("Plain mode even on a terminal.")},
        {QStringLiteral("scrollback"),
         QStringLiteral("Lines each window keeps in full-screen mode (%1 to %2; default %3).")
             .arg(ScreenView::MinScrollback)
             .arg(ScreenView::MaxScrollback)
             .arg(ScreenView::DefaultScrollback),
         QStringLiteral("LINES"), QString::number(ScreenView::DefaultScrollback)},
    });
    ConnectionOptions::Result given;
    QString why;
    if (!ConnectionOptions::parse(parser, app.arguments(), &why) || !ConnectionOptions::read(parser, &given, &why))
        return usageError(why);
    ClientSession::Options options = given.options;
    if (options.tlsInsecure)
        std::fprintf(stderr, "confab: %s\n", qPrintable(ConnectionOptions::insecureWarning()));
    const QString format = parser.value(QStringLiteral("format"));
    if (format != u"text" && format != u"json")
        return usageError(QStringLiteral("--format must be text or json"));
    bool scrollbackValid = false;
    const int scrollback = parser.value(QStringLiteral("scrollback")).toInt(&scrollbackValid);
    if (!scrollbackValid || scrollback < ScreenView::MinScrollback || scrollback > ScreenView::MaxScrollback)
        return usageError(QStringLiteral("--scrollback must be a number of lines from %1 to %2")
                              .arg(ScreenView::MinScrollback)
                              .arg(ScreenView::MaxScrollback));
    const bool sendMode = parser.isSet(QStringLiteral("send"));
    const bool interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    const bool fullScreen = interactive && !sendMode && !parser.isSet(QStringLiteral("plain"));

    if (options.nick.isEmpty() && interactive && !sendMode) {
        // As the seeds do (docs/origins.md): ask.
        std::string answer;
        std::fputs("Enter your nickname: ", stdout);
        std::fflush(stdout);
        if (!std::getline(std::cin, answer))
            return usageError(QStringLiteral("no nickname given"));
        options.nick = QString::fromStdString(answer).trimmed();
    }
    if (options.nick.isEmpty())
        options.nick = ConnectionOptions::defaultNick();
    if (options.nick.contains(u' '))
        return usageError(QStringLiteral("a nickname cannot contain spaces"));

    if (!options.account.isEmpty() && options.saslMechanism != u"EXTERNAL") {
        const auto password = SecretInput::accountPassword(given.passwordFile, interactive, &why);
        if (!password)
            return usageError(why);
        options.accountPassword = *password;
    }

    options.retryFirstConnection = fullScreen;

    ChatController controller;
    int exitCode = 0;
    QObject::connect(&controller, &ChatController::finished, &app, [&] { QCoreApplication::exit(exitCode); });

    // SIGWINCH is ours before ncurses starts, so ncurses leaves it alone and the view resizes.
    SignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP, SIGWINCH});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &controller, [&](int sig) {
        if (sig == SIGWINCH)
            return;
        if (sig == SIGHUP)
            exitCode = 1;
        controller.quitAll(QStringLiteral("Leaving"));
    });

    std::unique_ptr<ScreenView> screen;
    std::unique_ptr<PlainView> plain;
    std::unique_ptr<StdinReader> reader;
    if (fullScreen) {
        screen = std::make_unique<ScreenView>(&controller);
        screen->setScrollback(scrollback);
        QObject::connect(screen.get(), &ScreenView::lineEntered, &controller,
                         qOverload<const QString &>(&ChatController::execute));
        QObject::connect(&signalWatcher, &SignalWatcher::received, screen.get(), [&](int sig) {
            if (sig == SIGWINCH)
                screen->resize();
        });
    } else {
        plain = std::make_unique<PlainView>(&controller,
                                            format == u"json" ? PlainView::Format::Json : PlainView::Format::Text,
                                            parser.isSet(QStringLiteral("quiet")));
    }

    const int id = controller.openSession(options);
    ClientSession *session = controller.session(id);
    if (!fullScreen) {
        // A script wants an answer, not retries: no server at start is an error.
        auto everRegistered = std::make_shared<bool>(false);
        QObject::connect(session, &ClientSession::event, &app, [&, everRegistered, session](const ChatEvent &ev) {
            if (ev.type != ChatEvent::Type::State)
                return;
            if (ev.state == SessionState::Connected)
                *everRegistered = true;
            if (ev.state != SessionState::Disconnected || *everRegistered || session->quitRequested())
                return;
            std::fprintf(stderr, "confab: cannot connect to %s port %u: %s\n", qPrintable(options.host),
                         unsigned(options.port), qPrintable(ev.text));
            exitCode = 1;
            QCoreApplication::exit(1);
        });
        if (sendMode) {
            controller.execute(parser.value(QStringLiteral("send")));
            controller.finishInput();
        } else {
            reader = std::make_unique<StdinReader>();
            QObject::connect(reader.get(), &StdinReader::lineRead, &controller,
                             qOverload<const QString &>(&ChatController::execute));
            QObject::connect(reader.get(), &StdinReader::endOfInput, &controller, &ChatController::finishInput);
        }
    }
    const int rc = app.exec();
    screen.reset(); // restore the terminal before anything else is printed
    return rc;
}
