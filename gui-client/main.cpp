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
    parser.addPositionalArgument(QStringLiteral("server"), QStringLiteral("HOST[:PORT]; without it, a connect dialog asks."),
                                 QStringLiteral("[HOST[:PORT]]"));
    parser.addOptions({
        {{QStringLiteral("n"), QStringLiteral("nick")}, QStringLiteral("Nickname."), QStringLiteral("NICK")},
        {{QStringLiteral("c"), QStringLiteral("channel")}, QStringLiteral("Channel to join (default #lobby)."), QStringLiteral("CHANNEL")},
        {QStringLiteral("password"), QStringLiteral("Server password."), QStringLiteral("PASS")},
    });
    parser.process(app);

    ClientSession::Options options;
    if (parser.isSet(QStringLiteral("channel")))
        options.channels = {parser.value(QStringLiteral("channel"))};
    options.password = parser.value(QStringLiteral("password"));
    options.nick = parser.value(QStringLiteral("nick"));
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty()) {
        if (!ClientSession::parseAddress(args.first(), &options.host, &options.port)) {
            std::fprintf(stderr, "confab-gui: '%s' is not HOST[:PORT]\n", qPrintable(args.first()));
            return 2;
        }
    }
    if (args.isEmpty() || options.nick.isEmpty()) {
        ConnectDialog dialog;
        ClientSession::Options shown = dialog.options();
        if (!args.isEmpty()) {
            shown.host = options.host;
            shown.port = options.port;
        }
        if (!options.nick.isEmpty())
            shown.nick = options.nick;
        dialog.setOptions(shown);
        if (dialog.exec() != QDialog::Accepted)
            return 0;
        const ClientSession::Options chosen = dialog.options();
        options.host = chosen.host;
        options.port = chosen.port;
        options.nick = chosen.nick;
        options.password = chosen.password;
    }

    MainWindow window;
    window.show();
    window.connectTo(options);
    return app.exec();
}
