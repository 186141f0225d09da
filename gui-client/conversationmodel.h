// SPDX-License-Identifier: MIT
#pragma once

#include "messagemodel.h"

#include <QAbstractListModel>
#include <QIcon>
#include <QList>
#include <QStringList>

// The conversations of every session: each server's console, its channels and private chats,
// with unread counts. Conversations outlive disconnects, so a reconnect keeps the history.
class ConversationModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum class Type { Server, Channel, Private };
    enum Role { SessionRole = Qt::UserRole + 1, NameRole, TypeRole, UnreadRole, HighlightRole };

    struct Conversation {
        int session = 0;
        QString name; // channel or nick; the server's address for the console
        Type type = Type::Server;
        MessageModel *messages = nullptr;
        QString topic; // shown as its tooltip
        int unread = 0;
        bool highlighted = false;
        bool joined = true;
        bool fetching = false;    // older history asked for
        bool historyDone = false; // the server has nothing older
    };

    explicit ConversationModel(QObject *parent = nullptr);
    // Rows each conversation keeps, now and for those opened later.
    void setScrollback(int rows);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Finds a conversation (case-insensitive), or -1.
    int find(int session, const QString &name) const;
    int serverRow(int session) const;
    // Finds or creates.
    int ensure(int session, const QString &name, Type type);
    Conversation &at(int row) { return m_items[row]; }
    const Conversation &at(int row) const { return m_items.at(row); }
    int count() const { return int(m_items.size()); }
    void rename(int row, const QString &name);
    void markUnread(int row, bool highlight);
    void markRead(int row);
    void changed(int row);
    // Forgets a conversation and its messages.
    void remove(int row);

private:
    QList<Conversation> m_items;
    int m_scrollback = MessageModel::DefaultMaxRows;
    QIcon m_personIcon; // beside private chats
};
