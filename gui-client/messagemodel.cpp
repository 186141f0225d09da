#include "messagemodel.h"

#include "text/irctext.h"

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
        case Kind::Message: return QStringLiteral("[%1] <%2> %3").arg(time, r.nick, text);
        case Kind::Action: return QStringLiteral("[%1] * %2 %3").arg(time, r.nick, text);
        case Kind::Notice: return QStringLiteral("[%1] -%2- %3").arg(time, r.nick, text);
        default: return QStringLiteral("[%1] %2").arg(time, text);
        }
    }
    case TimeRole: return r.time;
    case NickRole: return r.nick;
    case TextRole: return r.text;
    case KindRole: return QVariant::fromValue(r.kind);
    case OwnRole: return r.own;
    case HighlightRole: return r.highlight;
    default: return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {{TimeRole, "time"}, {NickRole, "nick"},   {TextRole, "text"},
            {KindRole, "kind"}, {OwnRole, "own"}, {HighlightRole, "highlight"}};
}

void MessageModel::append(const Row &row)
{
    if (m_rows.size() >= MaxRows) {
        beginRemoveRows({}, 0, 0);
        m_rows.removeFirst();
        endRemoveRows();
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(row);
    endInsertRows();
}
