// SPDX-License-Identifier: MIT
#pragma once

#include "clientsession.h"

#include <QString>

class QCommandLineParser;

// The command-line options both clients take, defined and checked once: the server, TLS, the
// nick and channel, the server password and the account login. Each client adds its own
// options beside them and gets the account password in its own way (a terminal prompt, a
// dialog).
class ConnectionOptions {
public:
    // How the options' help differs between the clients.
    struct Help {
        QString server; // the positional argument
        QString nick;
        QString accountPassword; // where the password comes from besides --password-file
    };
    static void addTo(QCommandLineParser &parser, const Help &help);
    // Parses `arguments` (with the help and version options already added): --help and
    // --version print and exit 0; an unknown option or a missing value is a usage error, false
    // with *error, for the caller to exit 2 with (QCommandLineParser::process would exit 1).
    static bool parse(QCommandLineParser &parser, const QStringList &arguments, QString *error);

    struct Result {
        ClientSession::Options options; // nick empty when not given
        bool serverGiven = false;
        QString passwordFile; // --password-file, only with --account
    };
    // What the options say, or false with *error saying what is wrong (a usage error).
    static bool read(const QCommandLineParser &parser, Result *result, QString *error);
    // A nick made from the login name ($USER): what IRC allows of it, "guest..." if nothing.
    static QString defaultNick();
    // Printed to stderr when --insecure is given.
    static QString insecureWarning();
};
