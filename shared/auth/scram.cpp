// SPDX-License-Identifier: MIT
#include "scram.h"

#include <QCryptographicHash>
#include <QList>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <openssl/evp.h>

namespace Scram {
namespace {
QByteArray hmac(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256);
}

QByteArray sha256(const QByteArray &data) { return QCryptographicHash::hash(data, QCryptographicHash::Sha256); }

QByteArray xorBytes(const QByteArray &a, const QByteArray &b)
{
    QByteArray out(a.size(), Qt::Uninitialized);
    for (qsizetype i = 0; i < a.size(); ++i)
        out[i] = char(a.at(i) ^ b.at(i));
    return out;
}

std::optional<QByteArray> base64(QByteArrayView text)
{
    auto decoded = QByteArray::fromBase64Encoding(text.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

// printable except ',' (RFC 5802's c-nonce and s-nonce).
bool isNonce(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text)
        if (c < 0x21 || c > 0x7e || c == ',')
            return false;
    return true;
}

// "x=value" with the expected letter; the value without it.
std::optional<QByteArrayView> attribute(QByteArrayView part, char name)
{
    if (part.size() < 2 || part.at(0) != name || part.at(1) != '=')
        return std::nullopt;
    return part.sliced(2);
}

QList<QByteArrayView> fields(QByteArrayView message)
{
    QList<QByteArrayView> out;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= message.size(); ++i) {
        if (i == message.size() || message.at(i) == ',') {
            out.append(message.sliced(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

bool fail(QByteArray *error, const char *why)
{
    if (error)
        *error = why;
    return false;
}

// The iteration count's digits, bounded.
int iterationsFrom(QByteArrayView digits)
{
    if (digits.isEmpty() || digits.size() > 9)
        return 0;
    int value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return 0;
        value = value * 10 + (c - '0');
    }
    return value;
}
} // namespace

QByteArray saltedPassword(const QByteArray &password, const QByteArray &salt, int iterations)
{
    // OpenSSL's PBKDF2 rather than QPasswordDigestor's: 23 ms against 138 ms for 100,000
    // iterations (docs/performance.md), and every PLAIN login, IDENTIFY and REGISTER pays it once.
    QByteArray out(32, Qt::Uninitialized);
    if (PKCS5_PBKDF2_HMAC(password.constData(), int(password.size()),
                          reinterpret_cast<const unsigned char *>(salt.constData()), int(salt.size()), iterations,
                          EVP_sha256(), int(out.size()), reinterpret_cast<unsigned char *>(out.data()))
        != 1)
        return {};
    return out;
}

Verifier verifierFrom(const QByteArray &salted, const QByteArray &salt, int iterations)
{
    if (salted.isEmpty())
        return {}; // the derivation failed: a verifier nothing matches
    return {salt, iterations, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key")};
}

Verifier makeVerifier(const QByteArray &password, int iterations)
{
    QByteArray salt(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()), salt.size() / 4);
    return verifierFrom(saltedPassword(password, salt, iterations), salt, iterations);
}

bool matches(const Verifier &verifier, const QByteArray &password)
{
    if (!verifier.isValid())
        return false;
    const QByteArray salted = saltedPassword(password, verifier.salt, verifier.iterations);
    if (salted.isEmpty())
        return false;
    return equalConstantTime(sha256(hmac(salted, "Client Key")), verifier.storedKey);
}

Verifier decoy(const QByteArray &name, const QByteArray &serverSecret)
{
    const QByteArray seed = hmac(serverSecret, "decoy " + name);
    return {seed.left(16), DefaultIterations, hmac(seed, "stored"), hmac(seed, "server")};
}

QByteArray randomNonce()
{
    QByteArray raw(18, Qt::Uninitialized);
    for (char &c : raw)
        c = char(QRandomGenerator::system()->bounded(256));
    return raw.toBase64(); // 24 characters, no comma among them
}

bool equalConstantTime(QByteArrayView a, QByteArrayView b)
{
    char diff = char(a.size() != b.size());
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        diff |= char(a.at(i) ^ b.at(i));
    return diff == 0;
}

QByteArray escapeName(const QByteArray &name)
{
    QByteArray out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == ',')
            out.append("=2C");
        else if (c == '=')
            out.append("=3D");
        else
            out.append(c);
    }
    return out;
}

std::optional<QByteArray> unescapeName(QByteArrayView text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == ',' || c == '\0')
            return std::nullopt;
        if (c != '=') {
            out.append(c);
            continue;
        }
        if (i + 2 >= text.size())
            return std::nullopt;
        const QByteArrayView code = text.sliced(i + 1, 2);
        if (code == "2C")
            out.append(',');
        else if (code == "3D")
            out.append('=');
        else
            return std::nullopt;
        i += 2;
    }
    return out;
}

std::optional<ClientFirst> parseClientFirst(QByteArrayView message, QByteArray *error)
{
    const QList<QByteArrayView> parts = fields(message);
    // gs2-cbind-flag, authzid, then the bare message: n=user, r=nonce, extensions.
    if (parts.size() < 4)
        return fail(error, "malformed client-first-message"), std::nullopt;
    if (parts.at(0).startsWith("p="))
        return fail(error, "channel binding is not supported"), std::nullopt;
    if (parts.at(0) != "n" && parts.at(0) != "y")
        return fail(error, "malformed GS2 header"), std::nullopt;
    ClientFirst out;
    if (!parts.at(1).isEmpty()) {
        const auto authzid = attribute(parts.at(1), 'a');
        const auto name = authzid ? unescapeName(*authzid) : std::nullopt;
        if (!name || name->isEmpty())
            return fail(error, "malformed authzid"), std::nullopt;
        out.authzid = *name;
    }
    if (parts.at(2).startsWith("m="))
        return fail(error, "mandatory extensions are not supported"), std::nullopt;
    const auto user = attribute(parts.at(2), 'n');
    const auto name = user ? unescapeName(*user) : std::nullopt;
    if (!name || name->isEmpty())
        return fail(error, "malformed username"), std::nullopt;
    out.user = *name;
    const auto nonce = attribute(parts.at(3), 'r');
    if (!nonce || !isNonce(*nonce))
        return fail(error, "malformed nonce"), std::nullopt;
    out.nonce = nonce->toByteArray();
    const qsizetype bareStart = parts.at(0).size() + parts.at(1).size() + 2;
    out.bare = message.sliced(bareStart).toByteArray();
    out.gs2Header = message.first(bareStart).toByteArray();
    return out;
}

std::optional<ServerFirst> parseServerFirst(QByteArrayView message, QByteArray *error)
{
    const QList<QByteArrayView> parts = fields(message);
    if (parts.size() < 3 || parts.at(0).startsWith("m="))
        return fail(error, "malformed server-first-message"), std::nullopt;
    const auto nonce = attribute(parts.at(0), 'r');
    const auto salt = attribute(parts.at(1), 's');
    const auto count = attribute(parts.at(2), 'i');
    if (!nonce || !isNonce(*nonce) || !salt || !count)
        return fail(error, "malformed server-first-message"), std::nullopt;
    const auto decodedSalt = base64(*salt);
    if (!decodedSalt || decodedSalt->isEmpty())
        return fail(error, "malformed salt"), std::nullopt;
    const int iterations = iterationsFrom(*count);
    if (iterations < MinIterations || iterations > MaxIterations)
        return fail(error, "unacceptable iteration count"), std::nullopt;
    return ServerFirst {nonce->toByteArray(), *decodedSalt, iterations};
}

std::optional<ClientFinal> parseClientFinal(QByteArrayView message, QByteArray *error)
{
    const QList<QByteArrayView> parts = fields(message);
    if (parts.size() < 3)
        return fail(error, "malformed client-final-message"), std::nullopt;
    const auto binding = attribute(parts.at(0), 'c');
    const auto nonce = attribute(parts.at(1), 'r');
    const auto proof = attribute(parts.last(), 'p');
    if (!binding || !nonce || !isNonce(*nonce) || !proof)
        return fail(error, "malformed client-final-message"), std::nullopt;
    const auto decodedProof = base64(*proof);
    if (!decodedProof || decodedProof->size() != 32)
        return fail(error, "malformed proof"), std::nullopt;
    ClientFinal out;
    out.nonce = nonce->toByteArray();
    out.proof = *decodedProof;
    out.withoutProof = message.first(message.size() - parts.last().size() - 1).toByteArray();
    return out;
}

std::optional<ServerFinal> parseServerFinal(QByteArrayView message, QByteArray *error)
{
    const QList<QByteArrayView> parts = fields(message);
    if (const auto e = attribute(parts.at(0), 'e')) {
        if (e->isEmpty())
            return fail(error, "malformed server-error"), std::nullopt;
        return ServerFinal {{}, e->toByteArray()};
    }
    const auto v = attribute(parts.at(0), 'v');
    const auto signature = v ? base64(*v) : std::nullopt;
    if (!signature || signature->size() != 32)
        return fail(error, "malformed server-final-message"), std::nullopt;
    return ServerFinal {*signature, {}};
}

bool ServerExchange::receiveFirst(QByteArrayView message, QByteArray *error)
{
    const auto first = parseClientFirst(message, error);
    if (!first)
        return false;
    m_first = *first;
    return true;
}

QByteArray ServerExchange::challenge(const Verifier &verifier, const QByteArray &serverNonce)
{
    m_verifier = verifier;
    m_nonce = m_first.nonce + serverNonce;
    m_serverFirst = "r=" + m_nonce + ",s=" + verifier.salt.toBase64() + ",i=" + QByteArray::number(verifier.iterations);
    return m_serverFirst;
}

bool ServerExchange::receiveFinal(QByteArrayView message, QByteArray *reply, QByteArray *error)
{
    const auto final = parseClientFinal(message, error);
    if (!final)
        return false;
    // The channel-binding attribute repeats the client's GS2 header, base64-encoded (no binding
    // data: none is offered).
    const QByteArray binding = final->withoutProof.left(final->withoutProof.indexOf(','));
    if (binding != "c=" + m_first.gs2Header.toBase64())
        return fail(error, "channel binding does not match");
    if (final->nonce != m_nonce)
        return fail(error, "nonce does not match");
    const QByteArray authMessage = m_first.bare + ',' + m_serverFirst + ',' + final->withoutProof;
    const QByteArray signature = hmac(m_verifier.storedKey, authMessage);
    const QByteArray clientKey = xorBytes(final->proof, signature);
    if (!m_verifier.isValid() || !equalConstantTime(sha256(clientKey), m_verifier.storedKey))
        return fail(error, "invalid proof");
    *reply = "v=" + hmac(m_verifier.serverKey, authMessage).toBase64();
    return true;
}

ClientExchange::ClientExchange(QByteArray user, QByteArray password, QByteArray nonce)
    : m_user(std::move(user))
    , m_password(std::move(password))
    , m_nonce(std::move(nonce))
{
}

QByteArray ClientExchange::first() const { return "n,,n=" + escapeName(m_user) + ",r=" + m_nonce; }

bool ClientExchange::receiveChallenge(QByteArrayView message, QByteArray *reply, QByteArray *error)
{
    const auto challenge = parseServerFirst(message, error);
    if (!challenge)
        return false;
    if (!challenge->nonce.startsWith(m_nonce) || challenge->nonce.size() == m_nonce.size())
        return fail(error, "the server's nonce does not extend ours");
    const QByteArray salted = saltedPassword(m_password, challenge->salt, challenge->iterations);
    const Verifier keys = verifierFrom(salted, challenge->salt, challenge->iterations);
    const QByteArray withoutProof = "c=biws,r=" + challenge->nonce;
    const QByteArray authMessage = first().mid(3) + ',' + message.toByteArray() + ',' + withoutProof;
    const QByteArray clientKey = hmac(salted, "Client Key");
    const QByteArray proof = xorBytes(clientKey, hmac(keys.storedKey, authMessage));
    m_expectedSignature = hmac(keys.serverKey, authMessage);
    *reply = withoutProof + ",p=" + proof.toBase64();
    return true;
}

bool ClientExchange::receiveFinal(QByteArrayView message, QByteArray *error) const
{
    const auto final = parseServerFinal(message, error);
    if (!final)
        return false;
    if (!final->error.isEmpty())
        return fail(error, "the server refused the proof");
    if (m_expectedSignature.isEmpty() || !equalConstantTime(final->signature, m_expectedSignature))
        return fail(error, "the server did not prove it knows the password");
    return true;
}
} // namespace Scram
