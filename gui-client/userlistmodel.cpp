// SPDX-License-Identifier: MIT
#include "userlistmodel.h"

#include <QPainter>
#include <QPixmap>

namespace {
QIcon dot(const QColor &colour)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(colour.darker(140));
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(3.5, 3.5, 9, 9));
    return QIcon(pixmap);
}
} // namespace

UserListModel::UserListModel(QObject *parent)
    : QStringListModel(parent)
{
    m_icons.insert(u'~', dot(QColor(0x8e, 0x44, 0xad)));
    m_icons.insert(u'&', dot(QColor(0xc0, 0x39, 0x2b)));
    m_icons.insert(u'@', dot(QColor(0x27, 0xae, 0x60)));
    m_icons.insert(u'%', dot(QColor(0x29, 0x80, 0xb9)));
    m_icons.insert(u'+', dot(QColor(0xf3, 0x9c, 0x12)));
    // Members without status get an empty icon of the same size, so that all names line up.
    QPixmap none(16, 16);
    none.fill(Qt::transparent);
    m_none = QIcon(none);
}

QIcon UserListModel::iconFor(QChar prefix) const { return m_icons.value(prefix); }

QVariant UserListModel::data(const QModelIndex &index, int role) const
{
    if (role == Qt::DecorationRole) {
        const QString member = QStringListModel::data(index, Qt::DisplayRole).toString();
        const QIcon icon = member.isEmpty() ? QIcon() : iconFor(member.front());
        return icon.isNull() ? QVariant(m_none) : QVariant(icon);
    }
    return QStringListModel::data(index, role);
}
