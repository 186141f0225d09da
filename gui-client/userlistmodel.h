// SPDX-License-Identifier: MIT
#pragma once

#include <QIcon>
#include <QStringListModel>

// A channel's members as the user list shows them ("@alice", operators first), each with an
// icon for its status as HexChat draws them: a coloured dot for owners, admins, operators,
// half-operators and voiced members.
class UserListModel : public QStringListModel {
    Q_OBJECT
public:
    explicit UserListModel(QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    // The icon for a member's highest status prefix (~ & @ % +); null for none.
    QIcon iconFor(QChar prefix) const;

private:
    QHash<QChar, QIcon> m_icons;
    QIcon m_none;
};
