// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>

#include "protocol/ircnames.h"

struct ListenAddress {
    QHostAddress host;
    quint16 port = 0;
    bool tls = false;

    // "HOST:PORT", "[V6]:PORT", "HOST" (defaultPort) or ":PORT"/"PORT" (127.0.0.1).
    static bool parse(const QString &text, ListenAddress *out, QString *error, quint16 defaultPort = 6667);
    QString toString() const;
};

// An IRC operator account (OPER NAME PASSWORD). The secret is the password itself or, better,
// its hash as made by `confab-server --hash-password` (PBKDF2-SHA256, salted).
struct OperAccount {
    QByteArray name;
    QByteArray secret;

    bool matches(const QByteArray &password) const;
    static QByteArray hash(const QByteArray &password);
};

// Everything the server was told at start-up. Built once in main(), then shared read-only by
// every thread (through a shared_ptr to const), so no thread ever needs a lock to read it.
struct ServerConfig {
    QList<ListenAddress> listen; // plain and TLS (ListenAddress::tls)
    // PEM files for the TLS listeners; re-read on SIGHUP.
    QString tlsCertFile;
    QString tlsKeyFile;
    // A TLS connection must finish its handshake within this time.
    int tlsHandshakeTimeoutMs = 10'000;
    QByteArray name = "confab.local";
    QByteArray network = "Confab";
    QList<QByteArray> motd;
    bool hasMotd = false;
    QByteArray autojoin = "#lobby";
    QByteArray password;
    QList<OperAccount> opers;
    int maxClients = 0; // 0: no limit
    // Connections from one address; 0: no limit. Exempt networks (loopback by default: every
    // local user shares that address) skip this limit.
    int maxPerIp = 10;
    QList<QPair<QHostAddress, int>> exempt = defaultExempt();
    // A loopback connection's user is looked up (the kernel knows who owns the client's socket):
    // the connection limit then counts per local user, and the username is that login name,
    // verified, without '~'.
    bool identifyLocalUsers = true;
    // Networks that skip flood control: none by default. On a shared machine every user comes
    // from loopback, so exempting it would let any local user flood everyone; a benchmark or a
    // trusted script host says so explicitly (--flood-exempt).
    QList<QPair<QHostAddress, int>> floodExempt;
    // N: a pool of N worker threads; 0: one thread per connection. The pool is the default: with
    // one thread per connection every delivery wakes a thread of its own, which measured ~100x
    // slower under load and costs a thread per idle client (docs/performance.md).
    int threads = defaultThreads();
    int maxChannelsPerClient = 50;
    int pingIntervalMs = 120'000;
    int pingTimeoutMs = 60'000;
    // A connection must finish NICK/USER (and CAP) within this time: a client that connects and
    // says nothing, or one byte now and then, cannot hold a slot for long.
    int registrationTimeoutMs = 60'000;
    qint64 sendqBytes = 1 << 20;
    // Flood control, a token bucket per connection: floodBurst lines at once, then floodRate
    // lines per second. Lines beyond it wait; once more than recvqBytes wait, the client is
    // dropped with "Excess Flood". floodRate 0 turns it off. recvqBytes also caps what any
    // client, exempt or not, has handed the hub and the hub has not yet handled: beyond it the
    // server stops reading from that client until the hub catches up (nothing is dropped).
    int floodBurst = 30;
    double floodRate = 5;
    qint64 recvqBytes = 16 * 1024;
    // History: what is said and done in channels and private conversations is kept (an SQLite
    // file, on the storage thread) unless `history` is off.
    bool history = true;
    // ":memory:" keeps it in memory only (for tests); the command line's default is a file in the
    // user's data directory ($XDG_DATA_HOME/confab/confab.db).
    QString database = QStringLiteral(":memory:");
    // PostgreSQL's password, read from --database-password-file (it wins over one in the URL);
    // never logged.
    QString databasePassword;
    int historyDays = 30;           // older events are deleted; 0 keeps them forever
    int historyPlayback = 25;       // lines replayed on JOIN to clients that do not fetch history
    int historyPerTarget = 100'000; // at most this many events kept per conversation
    // Events the store may be behind before new ones are dropped (and counted): about 15 MB, a
    // few seconds of a flood. Not an option: there is no reason to change it but a test's.
    qint64 historyBacklog = 50'000;
    // The channel events kept besides messages; all of them by default.
    QList<QByteArray> historyEvents = allHistoryEvents();
    // Accounts (kept in the database): whether anyone may register one, or only operators.
    bool registrationOpen = true;
    // SASL PLAIN sends the password itself: only over TLS or from loopback, unless allowed.
    bool allowPlaintextSasl = false;
    // Someone using a registered nick without being logged in to it is renamed after this.
    int nickGraceSeconds = 30;
    // PBKDF2 iterations for new password verifiers (Scram::DefaultIterations); tests lower it to
    // RFC 7677's floor, 4096, to stay fast under the sanitizers.
    int passwordIterations = 100'000;
    // Whether loopback connections count as safe for SASL PLAIN without TLS. Tests turn it off to
    // see the refusal without a second machine.
    bool plaintextSaslFromLoopback = true;
    int nickLen = IrcNames::NickLen;
    int channelLen = IrcNames::ChannelLen;
    QByteArray createdAt;
    // Several nodes as one network (docs/cluster.md): the Redis they share (a redis:// URL;
    // empty: this server alone), this node's name in it, and how long its lease lasts.
    QString cluster;
    QByteArray node;
    int nodeLeaseMs = 10'000;
    bool isClustered() const { return !cluster.isEmpty(); }
    // A node's name: 1 to 32 of A-Z, a-z, 0-9 and '-'.
    static bool isValidNodeName(QByteArrayView name);

    static constexpr quint16 DefaultPort = 6667;
    static constexpr quint16 DefaultTlsPort = 6697;
    bool hasTls() const;
    static QList<QByteArray> allHistoryEvents();
    bool keepsEvent(const QByteArray &command) const { return history && historyEvents.contains(command); }
    static int defaultThreads();
    static QList<QPair<QHostAddress, int>> defaultExempt();
    bool isExempt(const QHostAddress &address) const { return inAny(exempt, address); }
    bool isFloodExempt(const QHostAddress &address) const { return inAny(floodExempt, address); }
    static bool inAny(const QList<QPair<QHostAddress, int>> &networks, const QHostAddress &address);
};
