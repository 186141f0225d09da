#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>

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
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void append(const Row &row);
    const Row &row(int i) const { return m_rows.at(i); }

    static constexpr int MaxRows = 5000;

private:
    QList<Row> m_rows;
};
