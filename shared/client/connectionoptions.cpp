// SPDX-License-Identifier: MIT
#include "connectionoptions.h"

#include "serveraddress.h"
#include "tlspolicy.h"

#include <QCommandLineParser>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslKey>

void ConnectionOptions::addTo(QCommandLineParser &parser, const Help &help)
{
    parser.addPositionalArgument(QStringLiteral("server"), help.server,
                                 QStringLiteral("[HOST[:PORT][,HOST[:PORT]...]]"));
    parser.addOptions({
        {{QStringLiteral("n"), QStringLiteral("nick")}, help.nick, QStringLiteral("NICK")},
        {{QStringLiteral("c"), QStringLiteral("channel")},
         QStringLiteral("Channel to join (default #lobby)."),
         QStringLiteral("CHANNEL")},
        {QStringLiteral("password"), QStringLiteral("Server password."), QStringLiteral("PASS")},
        {QStringLiteral("tls"), QStringLiteral("Connect with TLS (default port %1); the certificate is verified.")
                                    .arg(ServerAddress::DefaultTlsPort)},
        {QStringLiteral("tls-fingerprint"),
         QStringLiteral(
             "Trust exactly the certificate with this SHA-256 fingerprint (for a self-signed server; implies --tls)."),
         QStringLiteral("SHA256")},
        {QStringLiteral("insecure"),
         QStringLiteral(
             "TLS without checking the certificate at all. Anyone on the way can then read and change the conversation.")},
        {QStringLiteral("account"),
         QStringLiteral("Log in to this account while connecting (SASL). The password comes from --password-file, "
                        "CONFAB_PASSWORD, or %1; never from the command line.")
             .arg(help.accountPassword),
         QStringLiteral("NAME")},
        {QStringLiteral("password-file"), QStringLiteral("Read the account password from the first line of FILE."),
         QStringLiteral("FILE")},
        {QStringLiteral("sasl-mechanism"),
         QStringLiteral(
             "SCRAM-SHA-256, PLAIN or EXTERNAL (default: SCRAM-SHA-256 when the server offers it, else PLAIN; "
             "EXTERNAL with --tls-cert and no --account)."),
         QStringLiteral("MECH")},
        {QStringLiteral("tls-cert"),
         QStringLiteral("Client certificate (PEM) to show the server, for SASL EXTERNAL; implies --tls."),
         QStringLiteral("FILE")},
        {QStringLiteral("tls-key"),
         QStringLiteral("Its unencrypted private key (PEM; default: in the --tls-cert file)."), QStringLiteral("FILE")},
    });
}

bool ConnectionOptions::parse(QCommandLineParser &parser, const QStringList &arguments, QString *error)
{
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    // By the names given, so that no name the parser lacks (--help-all) is asked about.
    const QStringList given = parser.optionNames();
    for (const char *help : {"h", "?", "help", "help-all"})
        if (given.contains(QLatin1String(help)))
            parser.showHelp(0);
    if (given.contains(QLatin1String("v")) || given.contains(QLatin1String("version")))
        parser.showVersion();
    return true;
}

bool ConnectionOptions::read(const QCommandLineParser &parser, Result *result, QString *error)
{
    ClientSession::Options &options = result->options;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        *error = QStringLiteral("only one server may be given");
        return false;
    }
    quint16 port = 0;
    bool addressTls = false;
    result->serverGiven = !positional.isEmpty();
    // "host1:6667,host2:6667": nodes of one network, tried in turn (ClientSession::Options).
    const QStringList addresses = result->serverGiven ? positional.first().split(u',') : QStringList();
    for (qsizetype i = 0; i < addresses.size(); ++i) {
        QString host;
        quint16 givenPort = 0;
        bool tls = false;
        if (!ServerAddress::parse(addresses.at(i), &host, &givenPort, &tls)) {
            *error = QStringLiteral("'%1' is not HOST[:PORT]").arg(addresses.at(i));
            return false;
        }
        addressTls = addressTls || tls;
        if (i == 0) {
            options.host = host;
            port = givenPort;
        } else {
            options.alternates.append({host, givenPort});
        }
    }
    options.tlsFingerprint = parser.value(QStringLiteral("tls-fingerprint"));
    if (!options.tlsFingerprint.isEmpty() && ServerAddress::normalizeFingerprint(options.tlsFingerprint).isEmpty()) {
        *error = QStringLiteral("--tls-fingerprint needs a SHA-256 fingerprint (64 hex digits, colons allowed)");
        return false;
    }
    options.tlsInsecure = parser.isSet(QStringLiteral("insecure"));
    options.tlsCertFile = parser.value(QStringLiteral("tls-cert"));
    options.tlsKeyFile = parser.value(QStringLiteral("tls-key"));
    if (!options.tlsKeyFile.isEmpty() && options.tlsCertFile.isEmpty()) {
        *error = QStringLiteral("--tls-key needs --tls-cert");
        return false;
    }
    if (!options.tlsCertFile.isEmpty()) {
        QSslCertificate certificate;
        QSslKey key;
        if (!TlsPolicy::loadClientCertificate(options.tlsCertFile, options.tlsKeyFile, &certificate, &key, error))
            return false;
    }
    options.tls = addressTls || parser.isSet(QStringLiteral("tls")) || !options.tlsFingerprint.isEmpty()
                  || options.tlsInsecure || !options.tlsCertFile.isEmpty();
    options.port = port ? port : ServerAddress::defaultPort(options.tls);
    for (ClientSession::Endpoint &alternate : options.alternates)
        if (!alternate.port)
            alternate.port = ServerAddress::defaultPort(options.tls);

    options.saslMechanism = parser.value(QStringLiteral("sasl-mechanism")).toUpper();
    if (!options.saslMechanism.isEmpty()
        && !QStringList {QStringLiteral("SCRAM-SHA-256"), QStringLiteral("PLAIN"), QStringLiteral("EXTERNAL")}.contains(
            options.saslMechanism)) {
        *error = QStringLiteral("--sasl-mechanism is SCRAM-SHA-256, PLAIN or EXTERNAL");
        return false;
    }
    if (options.saslMechanism == u"EXTERNAL" && options.tlsCertFile.isEmpty()) {
        *error = QStringLiteral("--sasl-mechanism EXTERNAL needs --tls-cert");
        return false;
    }
    options.account = parser.value(QStringLiteral("account"));
    if (parser.isSet(QStringLiteral("password-file")) && options.account.isEmpty()) {
        *error = QStringLiteral("--password-file is for --account");
        return false;
    }
    result->passwordFile = parser.value(QStringLiteral("password-file"));

    options.nick = parser.value(QStringLiteral("nick")).trimmed();
    if (options.nick.contains(u' ')) {
        *error = QStringLiteral("a nickname cannot contain spaces");
        return false;
    }
    if (parser.isSet(QStringLiteral("channel"))) {
        QString channel = parser.value(QStringLiteral("channel"));
        if (!channel.startsWith(u'#'))
            channel.prepend(u'#');
        options.channels = {channel};
    }
    options.password = parser.value(QStringLiteral("password"));
    return true;
}

QString ConnectionOptions::defaultNick()
{
    QString user = qEnvironmentVariable("USER");
    user.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9_\\-\\[\\]\\\\^{}|`]")));
    if (user.isEmpty() || user.front().isDigit() || user.front() == u'-')
        user.prepend(QStringLiteral("guest"));
    return user.left(30);
}

QString ConnectionOptions::insecureWarning()
{
    return QStringLiteral("WARNING: --insecure: the server's certificate will not be checked; anyone between you and "
                          "the server can read and change this conversation");
}
