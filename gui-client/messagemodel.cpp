// SPDX-License-Identifier: MIT
#include "messagemodel.h"

#include "text/irctext.h"

#include <algorithm>

int MessageModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        // A plain-text rendering: what copy, accessibility and tests see (no formatting codes,
        // controls as visible placeholders).
        const QString time = r.time.toString(QStringLiteral("HH:mm"));
        const QString text = IrcText::sanitize(r.text);
        switch (r.kind) {
        case Kind::Message:
            return QStringLiteral("[%1] <%2> %3").arg(time, r.nick, text);
        case Kind::Action:
            return QStringLiteral("[%1] * %2 %3").arg(time, r.nick, text);
        case Kind::Notice:
            return QStringLiteral("[%1] -%2- %3").arg(time, r.nick, text);
        default:
            return QStringLiteral("[%1] %2").arg(time, text);
        }
    }
    case TimeRole:
        return r.time;
    case NickRole:
        return r.nick;
    case TextRole:
        return r.text;
    case KindRole:
        return QVariant::fromValue(r.kind);
    case OwnRole:
        return r.own;
    case HighlightRole:
        return r.highlight;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {{TimeRole, "time"}, {NickRole, "nick"}, {TextRole, "text"},
            {KindRole, "kind"}, {OwnRole, "own"},   {HighlightRole, "highlight"}};
}

void MessageModel::setMaxRows(int rows)
{
    m_maxRows = std::clamp(rows, MinRows, MaxMaxRows);
    if (m_rows.size() <= m_maxRows)
        return;
    const int excess = int(m_rows.size()) - m_maxRows;
    beginRemoveRows({}, 0, excess - 1);
    for (int i = 0; i < excess; ++i)
        m_msgids.remove(m_rows.at(i).msgid);
    m_rows.remove(0, excess);
    endRemoveRows();
}

bool MessageModel::append(const Row &row)
{
    if (contains(row.msgid))
        return false;
    if (m_rows.size() >= m_maxRows) {
        beginRemoveRows({}, 0, 0);
        m_msgids.remove(m_rows.first().msgid);
        m_rows.removeFirst();
        endRemoveRows();
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(row);
    if (!row.msgid.isEmpty())
        m_msgids.insert(row.msgid);
    endInsertRows();
    return true;
}

void MessageModel::prepend(const QList<Row> &rows)
{
    QList<Row> fresh;
    for (const Row &r : rows)
        if (!contains(r.msgid))
            fresh.append(r);
    const qsizetype room = m_maxRows - m_rows.size();
    if (fresh.isEmpty() || room <= 0)
        return;
    fresh = fresh.mid(std::max<qsizetype>(0, fresh.size() - room)); // the newest of them fit
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    for (const Row &r : fresh)
        if (!r.msgid.isEmpty())
            m_msgids.insert(r.msgid);
    m_rows = fresh + m_rows;
    endInsertRows();
}

int MessageModel::oldestMessage() const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).kind <= Kind::Notice)
            return i;
    return -1;
}

int MessageModel::newestMessage() const
{
    for (int i = int(m_rows.size()) - 1; i >= 0; --i)
        if (m_rows.at(i).kind <= Kind::Notice)
            return i;
    return -1;
}

void MessageModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_msgids.clear();
    endResetModel();
}

void MessageModel::moveMarker(Row marker)
{
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (m_rows.at(i).marker) {
            beginRemoveRows({}, i, i);
            m_rows.remove(i);
            endRemoveRows();
            break;
        }
    }
    marker.marker = true;
    append(marker);
}
