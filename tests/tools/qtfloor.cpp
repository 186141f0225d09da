// SPDX-License-Identifier: MIT
// The smallest Qt program that chats: QCoreApplication and one QTcpSocket that registers, joins a
// channel and reads (and drops) what comes. Nothing of Confab's. resources/scripts/bench-clients.sh
// measures its resident memory beside the terminal client's: the floor any Qt 6 client starts from.
//   confab-qt-floor PORT NICK CHANNEL

#include <QCoreApplication>
#include <QTcpSocket>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: confab-qt-floor PORT NICK CHANNEL\n");
        return 2;
    }
    QTcpSocket socket;
    QObject::connect(&socket, &QTcpSocket::connected, [&] {
        const QByteArray nick = args.at(2).toUtf8();
        socket.write("NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\nJOIN " + args.at(3).toUtf8()
                     + "\r\n");
    });
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] {
        // Answers PING, so that the server keeps it; everything else is read and dropped.
        while (socket.canReadLine()) {
            const QByteArray line = socket.readLine();
            if (line.startsWith("PING "))
                socket.write("PONG " + line.mid(5));
        }
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &app, &QCoreApplication::quit);
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(args.at(1).toUInt()));
    return app.exec();
}
