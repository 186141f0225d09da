// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QSet>

// The lines of one conversation. Text is stored as received (decoded, not sanitised, never
// HTML): the delegate decides how to draw it safely.
class MessageModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum class Kind { Message, Action, Notice, Event, Info, Error };
    Q_ENUM(Kind)
    enum Role { TimeRole = Qt::UserRole + 1, NickRole, TextRole, KindRole, OwnRole, HighlightRole };

    struct Row {
        QDateTime time;
        Kind kind = Kind::Message;
        QString nick;
        QString text;
        bool own = false;
        bool highlight = false;
        QString msgid;       // a message's, when the server gave one
        bool marker = false; // the "unread" line: one at a time
        // Its height as last laid out, and at which width (the delegate's cache).
        mutable int laidOutWidth = -1;
        mutable int laidOutHeight = 0;
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // False (and nothing added) for a message already here: history and live lines overlap.
    bool append(const Row &row);
    // Older lines, above the rest (history fetched as the user scrolls back).
    void prepend(const QList<Row> &rows);
    void clear();
    // The "unread" line: the old one goes, this one is appended.
    void moveMarker(Row marker);
    const Row &row(int i) const { return m_rows.at(i); }
    // A row's height at `width` as the delegate last measured it, or -1. Every change of rows
    // lays the whole list out again (the view's rows differ in height), and measuring a row means
    // laying its text out: without this, appending one line to 5,000 took a third of a second.
    int laidOutHeight(int i, int width) const
    {
        const Row &r = m_rows.at(i);
        return r.laidOutWidth == width ? r.laidOutHeight : -1;
    }
    void setLaidOutHeight(int i, int width, int height) const
    {
        m_rows.at(i).laidOutWidth = width;
        m_rows.at(i).laidOutHeight = height;
    }
    bool contains(const QString &msgid) const { return !msgid.isEmpty() && m_msgids.contains(msgid); }
    // The oldest and newest message (not event) rows, or -1.
    int oldestMessage() const;
    int newestMessage() const;

    // Rows kept (--scrollback); the oldest go first.
    static constexpr int DefaultMaxRows = 5000;
    static constexpr int MinRows = 10;
    static constexpr int MaxMaxRows = 1'000'000;
    void setMaxRows(int rows);
    int maxRows() const { return m_maxRows; }

private:
    int m_maxRows = DefaultMaxRows;
    QList<Row> m_rows;
    QSet<QString> m_msgids;
};
