// confab: the terminal client. Full-screen on a terminal, plain lines when piped.

#include "client/chatcontroller.h"
#include "plainview.h"
#include "screenview.h"
#include "system/stdinreader.h"
#include "system/secretinput.h"
#include "system/signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslKey>
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

QString defaultNick()
{
    QString user = qEnvironmentVariable("USER");
    user.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9_\\-\\[\\]\\\\^{}|`]")));
    if (user.isEmpty() || user.front().isDigit() || user.front() == u'-')
        user.prepend(QStringLiteral("guest"));
    return user.left(30);
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
    parser.addPositionalArgument(QStringLiteral("server"),
                                 QStringLiteral("HOST[:PORT] (default 127.0.0.1:6667); ircs://HOST[:PORT] or HOST:+PORT for TLS"),
                                 QStringLiteral("[HOST[:PORT]]"));
    parser.addOptions({
        {{QStringLiteral("n"), QStringLiteral("nick")}, QStringLiteral("Nickname (asked for on a terminal when missing)."), QStringLiteral("NICK")},
        {{QStringLiteral("c"), QStringLiteral("channel")}, QStringLiteral("Channel to join (default #lobby)."), QStringLiteral("CHANNEL")},
        {QStringLiteral("password"), QStringLiteral("Server password."), QStringLiteral("PASS")},
        {QStringLiteral("tls"), QStringLiteral("Connect with TLS (default port 6697); the certificate is verified.")},
        {QStringLiteral("tls-fingerprint"), QStringLiteral("Trust exactly the certificate with this SHA-256 fingerprint (for a self-signed server; implies --tls)."), QStringLiteral("SHA256")},
        {QStringLiteral("insecure"), QStringLiteral("TLS without checking the certificate at all. Anyone on the way can then read and change the conversation.")},
        {QStringLiteral("account"), QStringLiteral("Log in to this account while connecting (SASL). The password comes from --password-file, CONFAB_PASSWORD, or is asked for on the terminal; never from the command line."), QStringLiteral("NAME")},
        {QStringLiteral("password-file"), QStringLiteral("Read the account password from the first line of FILE."), QStringLiteral("FILE")},
        {QStringLiteral("sasl-mechanism"), QStringLiteral("SCRAM-SHA-256, PLAIN or EXTERNAL (default: SCRAM-SHA-256 when the server offers it, else PLAIN; EXTERNAL with --tls-cert and no --account)."), QStringLiteral("MECH")},
        {QStringLiteral("tls-cert"), QStringLiteral("Client certificate (PEM) to show the server, for SASL EXTERNAL; implies --tls."), QStringLiteral("FILE")},
        {QStringLiteral("tls-key"), QStringLiteral("Its unencrypted private key (PEM; default: in the --tls-cert file)."), QStringLiteral("FILE")},
        {QStringLiteral("send"), QStringLiteral("Send TEXT (a message or a /command), then exit."), QStringLiteral("TEXT")},
        {QStringLiteral("format"), QStringLiteral("Plain-mode output: text (default) or json (one object per line)."), QStringLiteral("FORMAT"), QStringLiteral("text")},
        {{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("Plain mode: leave out the server's welcome and MOTD and the connection notices.")},
        {QStringLiteral("plain"), QStringLiteral("Plain mode even on a terminal.")},
    });
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return usageError(QStringLiteral("only one server may be given"));
    ClientSession::Options options;
    quint16 port = 0;
    bool addressTls = false;
    if (!positional.isEmpty() && !ClientSession::parseAddress(positional.first(), &options.host, &port, &addressTls))
        return usageError(QStringLiteral("'%1' is not HOST[:PORT]").arg(positional.first()));
    options.tlsFingerprint = parser.value(QStringLiteral("tls-fingerprint"));
    if (!options.tlsFingerprint.isEmpty() && ClientSession::normalizeFingerprint(options.tlsFingerprint).isEmpty())
        return usageError(QStringLiteral("--tls-fingerprint needs a SHA-256 fingerprint (64 hex digits, colons allowed)"));
    options.tlsInsecure = parser.isSet(QStringLiteral("insecure"));
    options.tlsCertFile = parser.value(QStringLiteral("tls-cert"));
    options.tlsKeyFile = parser.value(QStringLiteral("tls-key"));
    if (!options.tlsKeyFile.isEmpty() && options.tlsCertFile.isEmpty())
        return usageError(QStringLiteral("--tls-key needs --tls-cert"));
    if (!options.tlsCertFile.isEmpty()) {
        QSslCertificate certificate;
        QSslKey key;
        QString why;
        if (!ClientSession::loadClientCertificate(options.tlsCertFile, options.tlsKeyFile, &certificate, &key, &why))
            return usageError(why);
    }
    options.tls = addressTls || parser.isSet(QStringLiteral("tls")) || !options.tlsFingerprint.isEmpty() || options.tlsInsecure
                  || !options.tlsCertFile.isEmpty();
    options.saslMechanism = parser.value(QStringLiteral("sasl-mechanism")).toUpper();
    if (!options.saslMechanism.isEmpty()
        && !QStringList{QStringLiteral("SCRAM-SHA-256"), QStringLiteral("PLAIN"), QStringLiteral("EXTERNAL")}.contains(options.saslMechanism))
        return usageError(QStringLiteral("--sasl-mechanism is SCRAM-SHA-256, PLAIN or EXTERNAL"));
    if (options.saslMechanism == u"EXTERNAL" && options.tlsCertFile.isEmpty())
        return usageError(QStringLiteral("--sasl-mechanism EXTERNAL needs --tls-cert"));
    options.account = parser.value(QStringLiteral("account"));
    if (parser.isSet(QStringLiteral("password-file")) && options.account.isEmpty())
        return usageError(QStringLiteral("--password-file is for --account"));
    options.port = port ? port : options.tls ? ClientSession::DefaultTlsPort : ClientSession::DefaultPort;
    if (options.tlsInsecure)
        std::fprintf(stderr, "confab: WARNING: --insecure: the server's certificate will not be checked; anyone between "
                             "you and the server can read and change this conversation\n");
    const QString format = parser.value(QStringLiteral("format"));
    if (format != u"text" && format != u"json")
        return usageError(QStringLiteral("--format must be text or json"));
    if (parser.isSet(QStringLiteral("channel"))) {
        QString channel = parser.value(QStringLiteral("channel"));
        if (!channel.startsWith(u'#'))
            channel.prepend(u'#');
        options.channels = {channel};
    }
    options.password = parser.value(QStringLiteral("password"));

    const bool sendMode = parser.isSet(QStringLiteral("send"));
    const bool interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    const bool fullScreen = interactive && !sendMode && !parser.isSet(QStringLiteral("plain"));

    options.nick = parser.value(QStringLiteral("nick"));
    if (options.nick.isEmpty() && interactive && !sendMode) {
        // As the seeds do: ask.
        std::string answer;
        std::fputs("Enter your username: ", stdout);
        std::fflush(stdout);
        if (!std::getline(std::cin, answer))
            return usageError(QStringLiteral("no nickname given"));
        options.nick = QString::fromStdString(answer).trimmed();
    }
    if (options.nick.isEmpty())
        options.nick = defaultNick();
    if (options.nick.contains(u' '))
        return usageError(QStringLiteral("a nickname cannot contain spaces"));

    if (!options.account.isEmpty() && options.saslMechanism != u"EXTERNAL") {
        QString why;
        const auto password = SecretInput::accountPassword(parser.value(QStringLiteral("password-file")), interactive, &why);
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
        QObject::connect(session, &ClientSession::registered, &app, [everRegistered] { *everRegistered = true; });
        QObject::connect(session, &ClientSession::disconnected, &app, [&, everRegistered, session](const QString &reason) {
            if (*everRegistered || session->quitRequested())
                return;
            std::fprintf(stderr, "confab: cannot connect to %s port %u: %s\n", qPrintable(options.host),
                         unsigned(options.port), qPrintable(reason));
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
