// SPDX-License-Identifier: MIT
#include "conversationmodel.h"

#include "messagemodel.h"

#include <QColor>
#include <QFont>
#include <QPainter>
#include <QPixmap>

namespace {
// A head and shoulders, for desktops whose icon theme has no person.
QIcon drawnPerson()
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x55, 0x6b, 0x88));
    p.drawEllipse(QRectF(5, 1.5, 6, 6));
    p.drawRoundedRect(QRectF(2.5, 8.5, 11, 7), 3.5, 3.5);
    return QIcon(pixmap);
}
} // namespace

ConversationModel::ConversationModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_personIcon(QIcon::fromTheme(QStringLiteral("avatar-default"), drawnPerson()))
{
}

int ConversationModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_items.size()); }

QVariant ConversationModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const Conversation &c = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        QString label = c.name;
        if (c.type != Type::Server)
            label.prepend(QStringLiteral("  "));
        if (c.unread > 0)
            label += QStringLiteral(" (%1)").arg(c.unread);
        return label;
    }
    case Qt::DecorationRole:
        return c.type == Type::Private ? QVariant(m_personIcon) : QVariant();
    case Qt::FontRole: {
        QFont f;
        f.setBold(c.unread > 0);
        f.setItalic(!c.joined);
        return f;
    }
    case Qt::ForegroundRole:
        if (c.highlighted)
            return QColor(200, 40, 40);
        return {};
    case Qt::ToolTipRole:
        return c.topic.isEmpty() ? QVariant() : QVariant(c.topic);
    case SessionRole:
        return c.session;
    case NameRole:
        return c.name;
    case TypeRole:
        return int(c.type);
    case UnreadRole:
        return c.unread;
    case HighlightRole:
        return c.highlighted;
    default:
        return {};
    }
}

int ConversationModel::find(int session, const QString &name) const
{
    for (int i = 0; i < m_items.size(); ++i)
        if (m_items.at(i).session == session && m_items.at(i).name.compare(name, Qt::CaseInsensitive) == 0)
            return i;
    return -1;
}

int ConversationModel::serverRow(int session) const
{
    for (int i = 0; i < m_items.size(); ++i)
        if (m_items.at(i).session == session && m_items.at(i).type == Type::Server)
            return i;
    return -1;
}

int ConversationModel::ensure(int session, const QString &name, Type type)
{
    if (const int row = find(session, name); row >= 0 && (type != Type::Server || at(row).type == Type::Server))
        return row;
    // Keep each session's conversations together, its console first.
    int row = int(m_items.size());
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).session > session) {
            row = i;
            break;
        }
    }
    Conversation c;
    c.session = session;
    c.name = name;
    c.type = type;
    c.messages = new MessageModel(this);
    c.messages->setMaxRows(m_scrollback);
    beginInsertRows({}, row, row);
    m_items.insert(row, c);
    endInsertRows();
    return row;
}

void ConversationModel::setScrollback(int rows)
{
    m_scrollback = rows;
    for (const Conversation &c : std::as_const(m_items))
        c.messages->setMaxRows(rows);
}

void ConversationModel::rename(int row, const QString &name)
{
    m_items[row].name = name;
    changed(row);
}

void ConversationModel::markUnread(int row, bool highlight)
{
    ++m_items[row].unread;
    m_items[row].highlighted = m_items[row].highlighted || highlight;
    changed(row);
}

void ConversationModel::markRead(int row)
{
    m_items[row].unread = 0;
    m_items[row].highlighted = false;
    changed(row);
}

void ConversationModel::changed(int row)
{
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

void ConversationModel::remove(int row)
{
    if (row < 0 || row >= m_items.size())
        return;
    beginRemoveRows({}, row, row);
    MessageModel *messages = m_items.takeAt(row).messages;
    endRemoveRows();
    delete messages;
}
