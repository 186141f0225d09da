// SPDX-License-Identifier: MIT
#pragma once

#include "auth/sasl.h"
#include "auth/scram.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

// The client's side of an IRCv3 SASL login, without a socket: it chooses a mechanism from what
// the server offers and answers each AUTHENTICATE line with the lines to send back.
class SaslClient {
public:
    struct Credentials {
        QString account;
        QByteArray password;
        QString mechanism;           // empty: SCRAM-SHA-256 if offered, else PLAIN
        bool hasCertificate = false; // a TLS client certificate is shown: EXTERNAL is possible
    };

    // The mechanism to use, from the server's "sasl=" value (empty if it gave none, as 3.1
    // servers do); empty if none fits, with `error` saying why.
    static QString choose(const Credentials &credentials, const QStringList &offered, QString *error);

    SaslClient(Credentials credentials, QString mechanism);
    QString mechanism() const { return m_mechanism; }
    // "AUTHENTICATE <mechanism>".
    QByteArray startLine() const;
    // The server's AUTHENTICATE parameter: the lines to send (none while a challenge is still
    // arriving in chunks). False with `error` when the exchange cannot go on; the caller then
    // sends "AUTHENTICATE *".
    bool receive(const QByteArray &param, QList<QByteArray> *lines, QString *error);

private:
    QList<QByteArray> payloadLines(const QByteArray &payload) const;

    Credentials m_credentials;
    QString m_mechanism;
    Sasl::Collector m_collector;
    std::unique_ptr<Scram::ClientExchange> m_scram;
    int m_step = 0;
};
