// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

// Where a client connects, as people write it. Both clients and the controller's /connect read
// addresses and fingerprints here, and take their default ports from here.
class ServerAddress {
public:
    static constexpr quint16 DefaultPort = 6667;
    static constexpr quint16 DefaultTlsPort = 6697;
    static constexpr quint16 defaultPort(bool tls) { return tls ? DefaultTlsPort : DefaultPort; }

    // "HOST", "HOST:PORT", "[V6]:PORT" or a bare IPv6 address; the port is left alone if absent.
    // TLS forms set *tls (when given): "ircs://HOST[:PORT]" (port 6697 unless given) and
    // "HOST:+PORT"; "irc://HOST[:PORT]" is plain. A TLS form is refused when tls is null.
    static bool parse(const QString &text, QString *host, quint16 *port, bool *tls = nullptr);
    // "AB:CD:...", "sha256:abcd..." or "abcd...": the same fingerprint, as lower-case hex without
    // colons; empty if it is not a SHA-256 fingerprint.
    static QByteArray normalizeFingerprint(const QString &text);
};
