// SPDX-License-Identifier: MIT
#include "sasl.h"

namespace Sasl {
std::optional<Plain> parsePlain(QByteArrayView message)
{
    const qsizetype first = message.indexOf('\0');
    if (first < 0)
        return std::nullopt;
    const qsizetype second = message.indexOf('\0', first + 1);
    if (second < 0 || message.indexOf('\0', second + 1) >= 0)
        return std::nullopt;
    Plain out {message.first(first).toByteArray(), message.sliced(first + 1, second - first - 1).toByteArray(),
               message.sliced(second + 1).toByteArray()};
    if (out.authcid.isEmpty() || out.password.isEmpty())
        return std::nullopt;
    return out;
}

QByteArray plainMessage(const QByteArray &authcid, const QByteArray &password)
{
    return authcid + '\0' + authcid + '\0' + password;
}

QList<QByteArray> encode(const QByteArray &payload)
{
    const QByteArray encoded = payload.toBase64();
    QList<QByteArray> out;
    for (qsizetype i = 0; i < encoded.size(); i += ChunkSize)
        out.append(encoded.mid(i, ChunkSize));
    if (encoded.isEmpty() || encoded.size() % ChunkSize == 0)
        out.append("+");
    return out;
}

Collector::Result Collector::add(QByteArrayView line)
{
    if (line.size() > ChunkSize)
        return TooLong;
    if (line != "+") {
        m_encoded.append(line);
        if (m_encoded.size() > MaxEncoded)
            return TooLong;
        if (line.size() == ChunkSize)
            return NeedMore;
    }
    auto decoded = QByteArray::fromBase64Encoding(m_encoded, QByteArray::AbortOnBase64DecodingErrors);
    m_encoded.clear();
    if (!decoded)
        return Invalid;
    m_payload = *decoded;
    return Complete;
}

void Collector::reset()
{
    m_encoded.clear();
    m_payload.clear();
}
} // namespace Sasl
