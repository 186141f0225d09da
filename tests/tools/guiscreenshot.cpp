// SPDX-License-Identifier: MIT
// Renders the README's screenshot: the real window, a real server in this process, and two
// scripted peers having a short conversation. Run under Xvfb by resources/scripts/screenshot.sh.

#include "chatserver.h"
#include "client/clientsession.h"
#include "client/irccommands.h"
#include "inputline.h"
#include "mainwindow.h"

#include <QApplication>
#include <QListView>
#include <QStringListModel>
#include <QTimer>
#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: confab-gui-screenshot OUTPUT.png\n");
        return 2;
    }
    const QString output = QString::fromLocal8Bit(argv[1]);

    ServerConfig config;
    config.listen = {{QHostAddress(QHostAddress::LocalHost), 0}};
    config.name = "chat.example.org";
    config.createdAt = "today";
    config.motd = {"Welcome to the team chat."};
    config.hasMotd = true;
    ChatServer server(config);
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const quint16 port = server.boundAddresses().first().port;

    auto peer = [&](const QString &nick) {
        auto *s = new ClientSession(&app);
        ClientSession::Options o;
        o.port = port;
        o.nick = nick;
        s->setOptions(o);
        s->open();
        return s;
    };
    ClientSession *bob = peer(QStringLiteral("bob"));
    ClientSession *carol = peer(QStringLiteral("carol"));

    MainWindow window;
    window.resize(980, 560);
    window.show();
    ClientSession::Options me;
    me.port = port;
    me.nick = QStringLiteral("alice");

    // The conversation, one step every 250 ms: a little before alice comes (her history), then
    // with her.
    const QList<std::function<void()>> script = {
        [&] {
            bob->send(IrcCommands::topic(QStringLiteral("#lobby"), QStringLiteral("Release 0.1 this week | be nice")));
        },
        [&] { bob->sendMessage(QStringLiteral("#lobby"), QStringLiteral("morning all")); },
        [&] {
            carol->sendMessage(QStringLiteral("#lobby"),
                               QStringLiteral("hi! the nightly build is \x02\x03"
                                              "03green\x0f: https://ci.example.org/runs/4217"));
        },
        [&] { window.connectTo(me); },
        [&] { bob->sendMessage(QStringLiteral("#lobby"), QStringLiteral("hey alice")); },
        [&] {
            window.inputLine()->setText(QStringLiteral("great, I'll tag the release after lunch"));
            Q_EMIT window.inputLine()->returnPressed();
        },
        [&] { bob->sendAction(QStringLiteral("#lobby"), QStringLiteral("puts the kettle on")); },
        [&] {
            carol->sendMessage(QStringLiteral("#lobby"),
                               QStringLiteral("alice: can you look at the <config> diff first?"));
        },
        [&] { carol->sendMessage(QStringLiteral("alice"), QStringLiteral("lunch at 12:30?")); },
        [&] {
            window.inputLine()->setText(QStringLiteral("sure, on it"));
            Q_EMIT window.inputLine()->returnPressed();
        },
        [&] { window.inputLine()->setText(QStringLiteral("@carol yes, see you th")); },
        [&] {
            const QPixmap shot = window.grab();
            if (!shot.save(output)) {
                std::fprintf(stderr, "cannot write %s\n", qPrintable(output));
                QCoreApplication::exit(1);
                return;
            }
            std::printf("wrote %s (%dx%d)\n", qPrintable(output), shot.width(), shot.height());
            QCoreApplication::exit(0);
        },
    };
    int step = 0;
    QTimer timer;
    timer.setInterval(250);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        // Start once bob and carol are in the channel (bob first: its operator), and go on once
        // alice is too.
        if (step == 0
            && (bob->members(QStringLiteral("#lobby")).size() < 2 || carol->state() != ClientSession::State::Connected))
            return;
        if (step == 4 && window.users()->stringList().size() < 3)
            return;
        if (step < script.size())
            script.at(step++)();
    });
    timer.start();
    QTimer::singleShot(20'000, [] {
        std::fprintf(stderr, "timed out\n");
        QCoreApplication::exit(1);
    });
    const int rc = app.exec();
    server.shutdown();
    return rc;
}
