// SPDX-License-Identifier: MIT
// SCRAM-SHA-256 against RFC 7677's test vector, both sides; the ways an exchange must fail; SASL
// PLAIN's message and AUTHENTICATE's chunks.

#include "auth/sasl.h"
#include "auth/scram.h"

#include <QTest>

namespace {
// RFC 7677, section 3.
const QByteArray ClientNonce = "rOprNGfwEbeRWgbNEkqO";
const QByteArray ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const QByteArray ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const QByteArray ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const QByteArray ClientFinal
    = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const QByteArray ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

Scram::Verifier rfcVerifier()
{
    const QByteArray salt = QByteArray::fromBase64("W22ZaJ0SNY7soEsUEjb6gQ==");
    return Scram::verifierFrom(Scram::saltedPassword("pencil", salt, 4096), salt, 4096);
}
} // namespace

class TestScram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void clientMatchesRfc7677()
    {
        Scram::ClientExchange client("user", "pencil", ClientNonce);
        QCOMPARE(client.first(), ClientFirst);
        QByteArray reply, error;
        QVERIFY2(client.receiveChallenge(ServerFirst, &reply, &error), error.constData());
        QCOMPARE(reply, ClientFinal);
        QVERIFY2(client.receiveFinal(ServerFinal, &error), error.constData());
    }

    void serverMatchesRfc7677()
    {
        Scram::ServerExchange server;
        QByteArray reply, error;
        QVERIFY2(server.receiveFirst(ClientFirst, &error), error.constData());
        QCOMPARE(server.first().user, QByteArray("user"));
        QCOMPARE(server.challenge(rfcVerifier(), ServerNonce), ServerFirst);
        QVERIFY2(server.receiveFinal(ClientFinal, &reply, &error), error.constData());
        QCOMPARE(reply, ServerFinal);
    }

    void serverRefusesWrongPassword()
    {
        Scram::ClientExchange client("user", "pencil2");
        Scram::ServerExchange server;
        QByteArray challengeReply, reply, error;
        QVERIFY(server.receiveFirst(client.first(), &error));
        QVERIFY(client.receiveChallenge(server.challenge(rfcVerifier()), &challengeReply, &error));
        QVERIFY(!server.receiveFinal(challengeReply, &reply, &error));
        QCOMPARE(error, QByteArray("invalid proof"));
        QVERIFY(reply.isEmpty());
    }

    void serverRefusesReplayedNonceAndBinding()
    {
        Scram::ServerExchange server;
        QByteArray reply, error;
        QVERIFY(server.receiveFirst(ClientFirst, &error));
        server.challenge(rfcVerifier()); // a fresh random server nonce: the RFC's final no longer fits
        QVERIFY(!server.receiveFinal(ClientFinal, &reply, &error));
        QCOMPARE(error, QByteArray("nonce does not match"));

        Scram::ServerExchange other;
        QVERIFY(other.receiveFirst(ClientFirst, &error));
        other.challenge(rfcVerifier(), ServerNonce);
        QByteArray tampered = ClientFinal;
        tampered.replace("c=biws", "c=eSws"); // "y,," where the client said "n,,"
        QVERIFY(!other.receiveFinal(tampered, &reply, &error));
        QCOMPARE(error, QByteArray("channel binding does not match"));
    }

    void clientRefusesServerThatCannotProveItself()
    {
        Scram::ClientExchange client("user", "pencil", ClientNonce);
        QByteArray reply, error;
        QVERIFY(client.receiveChallenge(ServerFirst, &reply, &error));
        QVERIFY(!client.receiveFinal("v=" + QByteArray(32, 'x').toBase64(), &error));
        QVERIFY(!client.receiveFinal("e=invalid-proof", &error));

        QVERIFY(!Scram::parseServerFinal("e=", &error)); // a server error says which
        QVERIFY(!Scram::parseServerFinal("v=", &error));

        Scram::ClientExchange early("user", "pencil", ClientNonce);
        QVERIFY(!early.receiveFinal(ServerFinal, &error)); // before any challenge
    }

    void clientRefusesBadChallenges_data()
    {
        QTest::addColumn<QByteArray>("challenge");
        QTest::newRow("nonce not ours") << QByteArray("r=other%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        QTest::newRow("nonce not extended") << QByteArray("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        QTest::newRow("too few iterations") << QByteArray("r=rOprNGfwEbeRWgbNEkqOxx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095");
        QTest::newRow("huge iterations") << QByteArray(
            "r=rOprNGfwEbeRWgbNEkqOxx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999");
        QTest::newRow("salt not base64") << QByteArray("r=rOprNGfwEbeRWgbNEkqOxx,s=***,i=4096");
        QTest::newRow("mandatory extension")
            << QByteArray("m=x,r=rOprNGfwEbeRWgbNEkqOxx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        QTest::newRow("empty") << QByteArray();
    }
    void clientRefusesBadChallenges()
    {
        QFETCH(QByteArray, challenge);
        Scram::ClientExchange client("user", "pencil", ClientNonce);
        QByteArray reply, error;
        QVERIFY(!client.receiveChallenge(challenge, &reply, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(reply.isEmpty());
    }

    void clientFirstGrammar_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QByteArray>("user");
        QTest::newRow("plain") << QByteArray("n,,n=user,r=abc") << true << QByteArray("user");
        QTest::newRow("y flag") << QByteArray("y,,n=user,r=abc") << true << QByteArray("user");
        QTest::newRow("authzid") << QByteArray("n,a=user,n=user,r=abc") << true << QByteArray("user");
        QTest::newRow("escaped") << QByteArray("n,,n=a=2Cb=3Dc,r=abc") << true << QByteArray("a,b=c");
        QTest::newRow("extension") << QByteArray("n,,n=user,r=abc,x=1") << true << QByteArray("user");
        QTest::newRow("channel binding") << QByteArray("p=tls-unique,,n=user,r=abc") << false << QByteArray();
        QTest::newRow("bad escape") << QByteArray("n,,n=a=2Xb,r=abc") << false << QByteArray();
        QTest::newRow("empty user") << QByteArray("n,,n=,r=abc") << false << QByteArray();
        QTest::newRow("no nonce") << QByteArray("n,,n=user") << false << QByteArray();
        QTest::newRow("empty nonce") << QByteArray("n,,n=user,r=") << false << QByteArray();
        QTest::newRow("mext") << QByteArray("n,,m=1,n=user,r=abc") << false << QByteArray();
        QTest::newRow("bad flag") << QByteArray("q,,n=user,r=abc") << false << QByteArray();
        QTest::newRow("nonce with space") << QByteArray("n,,n=user,r=a c") << false << QByteArray();
        QTest::newRow("NUL in name") << QByteArray("n,,n=us\0er,r=abc", 16) << false << QByteArray();
    }
    void clientFirstGrammar()
    {
        QFETCH(QByteArray, message);
        QFETCH(bool, valid);
        QFETCH(QByteArray, user);
        QByteArray error;
        const auto first = Scram::parseClientFirst(message, &error);
        QCOMPARE(first.has_value(), valid);
        if (valid) {
            QCOMPARE(first->user, user);
            QVERIFY(message.endsWith(first->bare));
        } else {
            QVERIFY(!error.isEmpty());
        }
    }

    void nameEscapingRoundTrips()
    {
        for (const QByteArray &name : {QByteArray("plain"), QByteArray("a,b"), QByteArray("=x=,="), QByteArray("ü")}) {
            const auto back = Scram::unescapeName(Scram::escapeName(name));
            QVERIFY(back);
            QCOMPARE(*back, name);
            QVERIFY(!Scram::escapeName(name).contains(','));
        }
    }

    void verifierChecksPasswords()
    {
        const Scram::Verifier v = Scram::makeVerifier("correct horse", Scram::MinIterations);
        QVERIFY(v.isValid());
        QCOMPARE(v.salt.size(), 16);
        QVERIFY(Scram::matches(v, "correct horse"));
        QVERIFY(!Scram::matches(v, "correct horsf"));
        QVERIFY(!Scram::matches(v, ""));
        // Two verifiers of one password share nothing.
        const Scram::Verifier w = Scram::makeVerifier("correct horse", Scram::MinIterations);
        QVERIFY(w.salt != v.salt);
        QVERIFY(w.storedKey != v.storedKey);
        // A decoy is stable for a name and matches nothing.
        QCOMPARE(Scram::decoy("bob", "secret").storedKey, Scram::decoy("bob", "secret").storedKey);
        QVERIFY(Scram::decoy("bob", "secret").salt != Scram::decoy("bob", "other").salt);
    }

    void plainMessages_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<bool>("valid");
        QTest::newRow("no authzid") << QByteArray("\0alice\0pw", 9) << true;
        QTest::newRow("authzid") << QByteArray("alice\0alice\0pw", 14) << true;
        QTest::newRow("one NUL") << QByteArray("alice\0pw", 8) << false;
        QTest::newRow("three NULs") << QByteArray("a\0b\0c\0d", 7) << false;
        QTest::newRow("empty authcid") << QByteArray("\0\0pw", 4) << false;
        QTest::newRow("empty password") << QByteArray("\0alice\0", 7) << false;
        QTest::newRow("empty") << QByteArray() << false;
    }
    void plainMessages()
    {
        QFETCH(QByteArray, message);
        QFETCH(bool, valid);
        const auto plain = Sasl::parsePlain(message);
        QCOMPARE(plain.has_value(), valid);
        if (valid) {
            QCOMPARE(plain->authcid, QByteArray("alice"));
            QCOMPARE(plain->password, QByteArray("pw"));
        }
        QCOMPARE(*Sasl::parsePlain(Sasl::plainMessage("bob", "pass word")), (Sasl::Plain {"bob", "bob", "pass word"}));
    }

    void chunksRoundTrip_data()
    {
        QTest::addColumn<int>("size");
        for (int size : {0, 1, 299, 300, 301, 600, 900, 1200, 2000})
            QTest::addRow("%d bytes", size) << size;
    }
    void chunksRoundTrip()
    {
        QFETCH(int, size);
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            payload[i] = char(i * 7 + 3);
        const QList<QByteArray> lines = Sasl::encode(payload);
        for (const QByteArray &line : lines)
            QVERIFY(line.size() <= Sasl::ChunkSize);
        // A "+" ends a payload whose encoding fills its last chunk exactly, or is empty.
        const qsizetype encoded = payload.toBase64().size();
        QCOMPARE(lines.last() == "+", encoded % Sasl::ChunkSize == 0);
        Sasl::Collector collector;
        for (qsizetype i = 0; i < lines.size(); ++i)
            QCOMPARE(collector.add(lines.at(i)),
                     i + 1 < lines.size() ? Sasl::Collector::NeedMore : Sasl::Collector::Complete);
        QCOMPARE(collector.payload(), payload);
    }

    void collectorRefusesWhatIsTooLongOrNotBase64()
    {
        Sasl::Collector collector;
        QCOMPARE(collector.add(QByteArray(401, 'A')), Sasl::Collector::TooLong);
        collector.reset();
        Sasl::Collector::Result last = Sasl::Collector::NeedMore;
        int lines = 0;
        while (last == Sasl::Collector::NeedMore && lines < 100) {
            last = collector.add(QByteArray(400, 'A'));
            ++lines;
        }
        QCOMPARE(last, Sasl::Collector::TooLong);
        QCOMPARE(lines, int(Sasl::MaxEncoded / Sasl::ChunkSize) + 1);
        collector.reset();
        QCOMPARE(collector.add("not*base64"), Sasl::Collector::Invalid);
    }
};

QTEST_APPLESS_MAIN(TestScram)
#include "tst_scram.moc"
