// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <optional>

// SASL as IRC carries it (AUTHENTICATE, IRCv3 sasl-3.1/3.2): payloads base64-encoded in lines of
// at most 400 bytes, and the PLAIN mechanism's message.
namespace Sasl {
constexpr qsizetype ChunkSize = 400;
// A whole payload, encoded; longer ones are refused (905), since no mechanism here needs more.
constexpr qsizetype MaxEncoded = 4096;

struct Plain {
    QByteArray authzid; // empty: the same as authcid
    QByteArray authcid;
    QByteArray password;
    bool operator==(const Plain &) const = default;
};
// "authzid NUL authcid NUL password" (RFC 4616), authcid and password not empty.
std::optional<Plain> parsePlain(QByteArrayView message);
QByteArray plainMessage(const QByteArray &authcid, const QByteArray &password);

// One payload as AUTHENTICATE lines: base64 in chunks of 400, and "+" after a last chunk of
// exactly 400 bytes or for an empty payload.
QList<QByteArray> encode(const QByteArray &payload);

// Collects one payload from AUTHENTICATE lines.
class Collector {
public:
    enum Result {
        NeedMore, // a full 400-byte chunk: more follows
        Complete, // payload() holds the decoded bytes
        TooLong,  // a line over 400 bytes, or more than MaxEncoded in all (ERR_SASLTOOLONG)
        Invalid,  // not base64
    };
    Result add(QByteArrayView line);
    QByteArray payload() const { return m_payload; }
    void reset();

private:
    QByteArray m_encoded;
    QByteArray m_payload;
};
} // namespace Sasl
