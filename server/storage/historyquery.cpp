// SPDX-License-Identifier: MIT
#include "historyquery.h"

#include <QDateTime>

std::optional<HistoryBound> HistoryBound::parse(QByteArrayView text, bool star)
{
    HistoryBound b;
    if (text == "*")
        return star ? std::optional(b) : std::nullopt;
    if (text.startsWith("timestamp=")) {
        const QDateTime t = QDateTime::fromString(QString::fromLatin1(text.sliced(10)), Qt::ISODateWithMs);
        if (!t.isValid())
            return std::nullopt;
        b.kind = Kind::Timestamp;
        b.timeMs = t.toMSecsSinceEpoch();
        return b;
    }
    if (text.startsWith("msgid=")) {
        b.kind = Kind::Msgid;
        b.msgid = text.sliced(6).toByteArray();
        if (b.msgid.isEmpty() || b.msgid.size() > MaxMsgidLength)
            return std::nullopt;
        return b;
    }
    return std::nullopt;
}

std::optional<int> HistoryQuery::parseLimit(QByteArrayView text)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < 1 || n > MaxLimit)
        return std::nullopt;
    return n;
}

QList<QByteArray> HistoryQuery::parseWords(const QList<QByteArray> &params)
{
    QList<QByteArray> words;
    for (const QByteArray &word : params.join(' ').simplified().split(' '))
        if (!word.isEmpty())
            words.append(word);
    if (words.size() > MaxWords
        || std::any_of(words.cbegin(), words.cend(), [](const QByteArray &w) { return w.size() > MaxWordLength; }))
        return {};
    return words;
}
