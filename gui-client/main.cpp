// confab-gui: the desktop client.

#include "connectdialog.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("confab-gui"));
    QApplication::setOrganizationName(QStringLiteral("Confab"));
    QApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/confab-256.png")));
    QApplication::setDesktopFileName(QStringLiteral("confab-gui"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Confab desktop chat client."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("server"),
                                 QStringLiteral("HOST[:PORT] (ircs://HOST[:PORT] or HOST:+PORT for TLS); without it, a connect dialog asks."),
                                 QStringLiteral("[HOST[:PORT]]"));
    parser.addOptions({
        {{QStringLiteral("n"), QStringLiteral("nick")}, QStringLiteral("Nickname."), QStringLiteral("NICK")},
        {{QStringLiteral("c"), QStringLiteral("channel")}, QStringLiteral("Channel to join (default #lobby)."), QStringLiteral("CHANNEL")},
        {QStringLiteral("password"), QStringLiteral("Server password."), QStringLiteral("PASS")},
        {QStringLiteral("tls"), QStringLiteral("Connect with TLS (default port 6697); the certificate is verified.")},
        {QStringLiteral("tls-fingerprint"), QStringLiteral("Trust exactly the certificate with this SHA-256 fingerprint (implies --tls)."), QStringLiteral("SHA256")},
        {QStringLiteral("insecure"), QStringLiteral("TLS without checking the certificate: anyone on the way can read and change the conversation.")},
    });
    parser.process(app);

    ClientSession::Options options;
    if (parser.isSet(QStringLiteral("channel")))
        options.channels = {parser.value(QStringLiteral("channel"))};
    options.password = parser.value(QStringLiteral("password"));
    options.nick = parser.value(QStringLiteral("nick"));
    const QStringList args = parser.positionalArguments();
    quint16 port = 0;
    bool addressTls = false;
    if (!args.isEmpty()) {
        if (!ClientSession::parseAddress(args.first(), &options.host, &port, &addressTls)) {
            std::fprintf(stderr, "confab-gui: '%s' is not HOST[:PORT]\n", qPrintable(args.first()));
            return 2;
        }
    }
    options.tlsFingerprint = parser.value(QStringLiteral("tls-fingerprint"));
    if (!options.tlsFingerprint.isEmpty() && ClientSession::normalizeFingerprint(options.tlsFingerprint).isEmpty()) {
        std::fprintf(stderr, "confab-gui: --tls-fingerprint needs a SHA-256 fingerprint (64 hex digits)\n");
        return 2;
    }
    options.tlsInsecure = parser.isSet(QStringLiteral("insecure"));
    options.tls = addressTls || parser.isSet(QStringLiteral("tls")) || !options.tlsFingerprint.isEmpty() || options.tlsInsecure;
    options.port = port ? port : options.tls ? ClientSession::DefaultTlsPort : ClientSession::DefaultPort;
    if (options.tlsInsecure)
        std::fprintf(stderr, "confab-gui: WARNING: --insecure: the server's certificate will not be checked\n");
    if (args.isEmpty() || options.nick.isEmpty()) {
        ConnectDialog dialog;
        ClientSession::Options shown = dialog.options();
        if (!args.isEmpty() || options.tls) {
            shown.host = args.isEmpty() ? shown.host : options.host;
            shown.port = options.port;
            shown.tls = options.tls;
            shown.tlsFingerprint = options.tlsFingerprint;
        }
        if (!options.nick.isEmpty())
            shown.nick = options.nick;
        dialog.setOptions(shown);
        if (dialog.exec() != QDialog::Accepted)
            return 0;
        const ClientSession::Options chosen = dialog.options();
        options.host = chosen.host;
        options.port = chosen.port;
        options.tls = chosen.tls || options.tlsInsecure;
        options.tlsFingerprint = chosen.tlsFingerprint;
        options.nick = chosen.nick;
        options.password = chosen.password;
    }

    MainWindow window;
    window.show();
    window.connectTo(options);
    return app.exec();
}
