// confab-gui: the desktop client.

#include "connectdialog.h"
#include "mainwindow.h"
#include "system/secretinput.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSslCertificate>
#include <QSslKey>
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
        {QStringLiteral("account"), QStringLiteral("Log in to this account while connecting (SASL); the password comes from --password-file or CONFAB_PASSWORD, else the connect dialog asks."), QStringLiteral("NAME")},
        {QStringLiteral("password-file"), QStringLiteral("Read the account password from the first line of FILE."), QStringLiteral("FILE")},
        {QStringLiteral("sasl-mechanism"), QStringLiteral("SCRAM-SHA-256, PLAIN or EXTERNAL (default: SCRAM-SHA-256 when offered, else PLAIN)."), QStringLiteral("MECH")},
        {QStringLiteral("tls-cert"), QStringLiteral("Client certificate (PEM) for SASL EXTERNAL; implies --tls."), QStringLiteral("FILE")},
        {QStringLiteral("tls-key"), QStringLiteral("Its unencrypted private key (PEM; default: in the --tls-cert file)."), QStringLiteral("FILE")},
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
    options.tlsCertFile = parser.value(QStringLiteral("tls-cert"));
    options.tlsKeyFile = parser.value(QStringLiteral("tls-key"));
    if (!options.tlsCertFile.isEmpty()) {
        QSslCertificate certificate;
        QSslKey key;
        QString why;
        if (!ClientSession::loadClientCertificate(options.tlsCertFile, options.tlsKeyFile, &certificate, &key, &why)) {
            std::fprintf(stderr, "confab-gui: %s\n", qPrintable(why));
            return 2;
        }
    }
    options.saslMechanism = parser.value(QStringLiteral("sasl-mechanism")).toUpper();
    if (!options.saslMechanism.isEmpty()
        && !QStringList{QStringLiteral("SCRAM-SHA-256"), QStringLiteral("PLAIN"), QStringLiteral("EXTERNAL")}.contains(options.saslMechanism)) {
        std::fprintf(stderr, "confab-gui: --sasl-mechanism is SCRAM-SHA-256, PLAIN or EXTERNAL\n");
        return 2;
    }
    options.account = parser.value(QStringLiteral("account"));
    if (!options.account.isEmpty()) {
        // A password file or the environment; without either, the connect dialog asks.
        QString why;
        if (parser.isSet(QStringLiteral("password-file")) || !qEnvironmentVariableIsEmpty("CONFAB_PASSWORD")) {
            const auto password = SecretInput::accountPassword(parser.value(QStringLiteral("password-file")), false, &why);
            if (!password) {
                std::fprintf(stderr, "confab-gui: %s\n", qPrintable(why));
                return 2;
            }
            options.accountPassword = *password;
        }
    }
    options.tls = addressTls || parser.isSet(QStringLiteral("tls")) || !options.tlsFingerprint.isEmpty() || options.tlsInsecure
                  || !options.tlsCertFile.isEmpty();
    options.port = port ? port : options.tls ? ClientSession::DefaultTlsPort : ClientSession::DefaultPort;
    if (options.tlsInsecure)
        std::fprintf(stderr, "confab-gui: WARNING: --insecure: the server's certificate will not be checked\n");
    const bool needAccountPassword = !options.account.isEmpty() && options.accountPassword.isEmpty()
                                     && options.saslMechanism != u"EXTERNAL";
    if (args.isEmpty() || options.nick.isEmpty() || needAccountPassword) {
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
        if (!options.account.isEmpty()) {
            shown.account = options.account;
            shown.accountPassword = options.accountPassword;
        }
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
        options.account = chosen.account;
        options.accountPassword = chosen.accountPassword;
    }

    MainWindow window;
    window.show();
    window.connectTo(options);
    return app.exec();
}
