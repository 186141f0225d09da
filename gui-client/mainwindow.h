// SPDX-License-Identifier: MIT
#pragma once

#include "client/chatevent.h"
#include "client/chatstate.h"
#include "client/clientsession.h"
#include "conversationmodel.h"
#include "messagemodel.h"

#include <QMainWindow>
#include <QSet>

class ChannelListDialog;
class InputLine;
class QLineEdit;
class QListWidget;
class MessageView;
class QLabel;
class QMenu;
class QListView;
class QStringListModel;
class QSystemTrayIcon;
class QTimer;
class SessionThread;

// The desktop client's window: conversations on the left, the current one's messages in the
// middle with its topic above, its users on the right, the input line below, the connection in
// the status bar. It renders ChatEvents from the network thread and sends typed lines back;
// it never touches a socket or parses IRC.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void connectTo(const ClientSession::Options &options);

    // For tests and for the screenshot tool.
    InputLine *inputLine() const { return m_input; }
    MessageView *messageView() const { return m_messages; }
    QListView *userView() const { return m_userView; }
    QListView *conversationView() const { return m_conversationView; }
    ConversationModel *conversations() const { return m_conversations; }
    QLineEdit *searchBox() const { return m_searchBox; }
    QListWidget *searchResults() const { return m_results; }
    ChannelListDialog *channelList() const { return m_channelList; }
    QStringListModel *users() const { return m_users; }
    int currentRow() const;
    // How far the user has read a conversation of the first session, as the server last said.
    QDateTime readMarker(const QString &target) const { return m_readMarkers.value({1, target.toLower()}); }
    QString statusText() const;
    bool selectConversation(const QString &name);
    // The context menus (built here, shown on a right-click; the caller owns them): what can
    // be done to a member of the current channel, and to a conversation.
    QMenu *userMenu(const QString &nick);
    QMenu *conversationMenu(int row);

Q_SIGNALS:
    // A mention or private message arrived while the window was not active.
    void notificationRequested(const QString &title, const QString &text);

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void onEvent(const ChatEvent &event);
    void addRow(int row, const MessageModel::Row &line, bool counts = true, bool highlight = false);
    // A line for every conversation of the session; for those of the channels, and the private
    // chat with the nick.
    void addToSession(int session, const MessageModel::Row &line);
    void addToConversations(int session, const MessageModel::Row &line, const QStringList &channels,
                            const QString &nick);
    void showStatus(int session);
    // A typed line: the few commands the window carries out itself, the rest to the network.
    void submit(const QString &line);
    void showChannelList(const QString &filter = {});
    void search(const QString &words);
    void showResults(const QString &title, const QList<ChatMessage> &messages);
    // History: the latest (with the unread line and a separator), or older rows above.
    void insertHistory(const ChatEvent &event);
    // A message as a row (not yet marked as a highlight).
    static MessageModel::Row messageRow(const ChatMessage &message);
    void fetchOlder();
    // The current conversation is read, up to its newest message: told to the server soon.
    void scheduleMarkRead();
    void markCurrentRead();
    void setCurrent(int row);
    void openPrivate(const QString &nick);
    // Keyboard: the next or previous conversation (wrapping), the n-th, closing the current one.
    void selectRow(int row);
    void closeCurrent();
    void refreshUsers();
    MessageModel::Row infoRow(const ChatEvent &event, MessageModel::Kind kind, const QString &text) const;

    SessionThread *m_thread;
    ConversationModel *m_conversations;
    QStringListModel *m_users;
    QListView *m_conversationView;
    MessageView *m_messages;
    QListView *m_userView;
    QLabel *m_topic;
    InputLine *m_input;
    QLabel *m_status;
    QSystemTrayIcon *m_tray = nullptr;
    bool m_closing = false;
    bool m_closed = false;
    // Each session's channels and members, kept from its events alone: the window never asks
    // the network thread.
    QHash<int, ChatState> m_chat;
    QHash<int, QString> m_ownNick;
    QHash<int, QString> m_state;
    QHash<int, QString> m_address;
    QHash<int, QString> m_network;                       // the network's name, once the server has said it
    QSet<QString> m_pendingJoins;                        // channels the user typed /join for (folded)
    QHash<QPair<int, QString>, QDateTime> m_readMarkers; // (session, folded target) -> read up to
    QTimer *m_markTimer = nullptr;
    QLineEdit *m_searchBox = nullptr;
    QListWidget *m_results = nullptr;
    QPair<int, QString> m_searching; // the conversation whose server search is awaited
    ChannelListDialog *m_channelList = nullptr;
};
