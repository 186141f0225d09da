// SPDX-License-Identifier: MIT
// confab-gui: the desktop client.

#include "client/connectionoptions.h"
#include "connectdialog.h"
#include "conversationmodel.h"
#include "mainwindow.h"
#include "system/secretinput.h"

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
    ConnectionOptions::addTo(
        parser,
        {QStringLiteral("HOST[:PORT] (ircs://HOST[:PORT] or HOST:+PORT for TLS; HOST1:PORT,HOST2:PORT for nodes of "
                        "one network, tried in turn); without it, a connect dialog asks."),
         QStringLiteral("Nickname."), QStringLiteral("else the connect dialog asks")});
    parser.addOption({QStringLiteral("scrollback"),
                      QStringLiteral("Lines each conversation keeps (%1 to %2; default %3).")
                          .arg(MessageModel::MinRows)
                          .arg(MessageModel::MaxMaxRows)
                          .arg(MessageModel::DefaultMaxRows),
                      QStringLiteral("LINES"), QString::number(MessageModel::DefaultMaxRows)});
    ConnectionOptions::Result given;
    QString why;
    if (!ConnectionOptions::parse(parser, app.arguments(), &why) || !ConnectionOptions::read(parser, &given, &why)) {
        std::fprintf(stderr, "confab-gui: %s (see --help)\n", qPrintable(why));
        return 2;
    }
    bool scrollbackValid = false;
    const int scrollback = parser.value(QStringLiteral("scrollback")).toInt(&scrollbackValid);
    if (!scrollbackValid || scrollback < MessageModel::MinRows || scrollback > MessageModel::MaxMaxRows) {
        std::fprintf(stderr, "confab-gui: --scrollback must be a number of lines from %d to %d (see --help)\n",
                     MessageModel::MinRows, MessageModel::MaxMaxRows);
        return 2;
    }
    ClientSession::Options options = given.options;
    if (!options.account.isEmpty() && options.saslMechanism != u"EXTERNAL"
        && (!given.passwordFile.isEmpty() || !qEnvironmentVariableIsEmpty("CONFAB_PASSWORD"))) {
        // A password file or the environment; without either, the connect dialog asks.
        const auto password = SecretInput::accountPassword(given.passwordFile, false, &why);
        if (!password) {
            std::fprintf(stderr, "confab-gui: %s\n", qPrintable(why));
            return 2;
        }
        options.accountPassword = *password;
    }
    if (options.tlsInsecure)
        std::fprintf(stderr, "confab-gui: %s\n", qPrintable(ConnectionOptions::insecureWarning()));
    const bool needAccountPassword
        = !options.account.isEmpty() && options.accountPassword.isEmpty() && options.saslMechanism != u"EXTERNAL";
    if (!given.serverGiven || options.nick.isEmpty() || needAccountPassword) {
        ConnectDialog dialog;
        ClientSession::Options shown = dialog.options();
        if (given.serverGiven || options.tls) {
            shown.host = given.serverGiven ? options.host : shown.host;
            shown.port = options.port;
            shown.tls = options.tls;
            shown.tlsFingerprint = options.tlsFingerprint;
        }
        if (!options.nick.isEmpty())
            shown.nick = options.nick;
        if (parser.isSet(QStringLiteral("channel")))
            shown.channels = options.channels;
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
        options.channels = chosen.channels;
        options.password = chosen.password;
        options.account = chosen.account;
        options.accountPassword = chosen.accountPassword;
    }

    MainWindow window;
    window.conversations()->setScrollback(scrollback);
    window.show();
    window.connectTo(options);
    return app.exec();
}
