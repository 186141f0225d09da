// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

// SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash): what a server keeps instead of a password, the
// four messages of an exchange, and both sides' steps. Pure functions and small state machines,
// so that the parsers can be fuzzed and the steps checked against the RFC's test vector.
namespace Scram {
// PBKDF2-SHA256 iterations for new verifiers: ~50 ms of one core per login that must derive
// (PLAIN, IDENTIFY, REGISTER), done off the hub's thread.
constexpr int DefaultIterations = 100'000;
constexpr int MinIterations = 4096; // RFC 7677's floor: a server asking for less is refused
constexpr int MaxIterations = 10'000'000;

// What a server stores: the password is never kept, nor the PBKDF2 output (SaltedPassword), which
// would let its holder log in; StoredKey checks a proof and ServerKey proves the server to the
// client.
struct Verifier {
    QByteArray salt;
    int iterations = 0;
    QByteArray storedKey; // H(HMAC(SaltedPassword, "Client Key"))
    QByteArray serverKey; // HMAC(SaltedPassword, "Server Key")

    bool isValid() const
    {
        return !salt.isEmpty() && iterations > 0 && storedKey.size() == 32 && serverKey.size() == 32;
    }
};

QByteArray saltedPassword(const QByteArray &password, const QByteArray &salt, int iterations);
Verifier verifierFrom(const QByteArray &saltedPassword, const QByteArray &salt, int iterations);
// A verifier with a fresh random salt. Slow: it derives (DefaultIterations by default).
Verifier makeVerifier(const QByteArray &password, int iterations = DefaultIterations);
// Whether `password` is the one `verifier` was made from. Slow: it derives.
bool matches(const Verifier &verifier, const QByteArray &password);
// A verifier nobody's password matches, the same for the same name on one server: a server
// answers a name it does not know with it, so that the exchange does not tell which names exist.
Verifier decoy(const QByteArray &name, const QByteArray &serverSecret);
QByteArray randomNonce();
// Equal in a time that says nothing about where they differ.
bool equalConstantTime(QByteArrayView a, QByteArrayView b);

// saslname (RFC 5802 5.1): ',' and '=' are written "=2C" and "=3D".
QByteArray escapeName(const QByteArray &name);
std::optional<QByteArray> unescapeName(QByteArrayView text);

struct ClientFirst {
    QByteArray authzid; // empty: the same as user
    QByteArray user;
    QByteArray nonce;
    QByteArray bare;      // client-first-message-bare, part of AuthMessage
    QByteArray gs2Header; // "n,," and the like: the final message's c= repeats it
};
struct ServerFirst {
    QByteArray nonce; // the client's and the server's together
    QByteArray salt;
    int iterations = 0;
};
struct ClientFinal {
    QByteArray nonce;
    QByteArray proof;
    QByteArray withoutProof; // client-final-message-without-proof, part of AuthMessage
};
struct ServerFinal {
    QByteArray signature; // v=...
    QByteArray error;     // e=...
};
// Each returns nothing, with `error` saying why, for anything RFC 5802's grammar does not allow.
// Channel binding is not offered: "p=" is refused, "y" and "n" are accepted.
std::optional<ClientFirst> parseClientFirst(QByteArrayView message, QByteArray *error);
std::optional<ServerFirst> parseServerFirst(QByteArrayView message, QByteArray *error);
std::optional<ClientFinal> parseClientFinal(QByteArrayView message, QByteArray *error);
std::optional<ServerFinal> parseServerFinal(QByteArrayView message, QByteArray *error);

// The server's side of one exchange.
class ServerExchange {
public:
    // Step 1: the client's first message. On success user() is who wants in.
    bool receiveFirst(QByteArrayView message, QByteArray *error);
    const ClientFirst &first() const { return m_first; }
    // Step 2: the challenge, for the user's verifier (or a decoy). `serverNonce` is for tests.
    QByteArray challenge(const Verifier &verifier, const QByteArray &serverNonce = randomNonce());
    // Step 3: the client's proof. True if it proves the password; `reply` is then the server's
    // final message, which proves the server to the client.
    bool receiveFinal(QByteArrayView message, QByteArray *reply, QByteArray *error);

private:
    ClientFirst m_first;
    Verifier m_verifier;
    QByteArray m_serverFirst;
    QByteArray m_nonce;
};

// The client's side of one exchange.
class ClientExchange {
public:
    ClientExchange(QByteArray user, QByteArray password, QByteArray nonce = randomNonce());
    QByteArray first() const;
    // The server's challenge; `reply` is the proof to send. Slow: it derives.
    bool receiveChallenge(QByteArrayView message, QByteArray *reply, QByteArray *error);
    // The server's final message: true only if it proves the server knows the verifier.
    bool receiveFinal(QByteArrayView message, QByteArray *error) const;

private:
    QByteArray m_user;
    QByteArray m_password;
    QByteArray m_nonce;
    QByteArray m_expectedSignature;
};
} // namespace Scram
