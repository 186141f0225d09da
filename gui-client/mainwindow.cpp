// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "channellistdialog.h"
#include "client/chatcommand.h"
#include "client/chatstate.h"
#include "inputline.h"
#include "messageview.h"
#include "sessionthread.h"
#include "text/irctext.h"
#include "userlistmodel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QStringListModel>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QVBoxLayout>

namespace {
using Kind = MessageModel::Kind;
}

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_thread(new SessionThread(this))
    , m_conversations(new ConversationModel(this))
    , m_users(new UserListModel(this))
    , m_conversationView(new QListView(this))
    , m_messages(new MessageView(this))
    , m_userView(new QListView(this))
    , m_topic(new QLabel(this))
    , m_input(new InputLine(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Confab"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/confab-256.png")));

    m_conversationView->setModel(m_conversations);
    m_conversationView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_userView->setModel(m_users);
    m_userView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_topic->setTextFormat(Qt::PlainText); // a topic is network text: never rich text
    m_topic->setWordWrap(true);

    auto *centre = new QWidget(this);
    auto *column = new QVBoxLayout(centre);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_topic);
    // The search bar (Ctrl+F): the conversation's own lines at once, the server's history
    // (SEARCH) when it answers.
    m_searchBox = new QLineEdit(this);
    m_searchBox->setPlaceholderText(tr("Search this conversation (Enter); Esc closes"));
    m_searchBox->setClearButtonEnabled(true);
    m_searchBox->hide();
    m_results = new QListWidget(this);
    m_results->setMaximumHeight(160);
    m_results->hide();
    column->addWidget(m_searchBox);
    column->addWidget(m_results);
    connect(m_searchBox, &QLineEdit::returnPressed, this, [this] { search(m_searchBox->text()); });
    connect(m_results, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        // A match that is among the conversation's lines: go there.
        const QString msgid = item->data(Qt::UserRole).toString();
        const QAbstractItemModel *model = m_messages->model();
        for (int i = 0; model && !msgid.isEmpty() && i < model->rowCount(); ++i) {
            if (static_cast<const MessageModel *>(model)->row(i).msgid == msgid) {
                m_messages->scrollTo(model->index(i, 0), QAbstractItemView::PositionAtCenter);
                m_messages->setCurrentIndex(model->index(i, 0));
                return;
            }
        }
    });
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), m_searchBox);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, [this] {
        m_searchBox->hide();
        m_results->hide();
        m_input->setFocus();
    });
    column->addWidget(m_messages, 1);
    column->addWidget(m_input);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_conversationView);
    splitter->addWidget(centre);
    splitter->addWidget(m_userView);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({160, 560, 140});
    setCentralWidget(splitter);
    statusBar()->addWidget(m_status, 1);
    resize(900, 560);

    // Keys as in other chat clients: Ctrl+Tab / Ctrl+PgDown onwards, Ctrl+Shift+Tab / Ctrl+PgUp
    // back, Alt+1..9 and Alt+0 the first ten, Ctrl+W closes.
    const auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WindowShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    for (const QKeySequence &next : {QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)})
        shortcut(next, [this] { selectRow(currentRow() + 1); });
    for (const QKeySequence &previous :
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab), QKeySequence(Qt::CTRL | Qt::Key_PageUp)})
        shortcut(previous, [this] { selectRow(currentRow() - 1); });
    for (int n = 0; n < 10; ++n)
        shortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + n)), [this, n] {
            if (const int row = n == 0 ? 9 : n - 1; row < m_conversations->count())
                m_conversationView->setCurrentIndex(m_conversations->index(row));
        });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_W), [this] { closeCurrent(); });

    // The menu, for what has no other way in.
    QMenu *chat = menuBar()->addMenu(tr("&Chat"));
    chat->addAction(tr("&Channel list..."), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] { showChannelList(); });
    chat->addAction(tr("&Search..."), QKeySequence::Find, this, [this] {
        m_searchBox->show();
        m_searchBox->setFocus();
        m_searchBox->selectAll();
    });
    chat->addAction(tr("&Mark all as read"), this, [this] {
        for (int i = 0; i < m_conversations->count(); ++i)
            m_conversations->markRead(i);
    });
    chat->addSeparator();
    chat->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    for (QListView *view : {m_userView, m_conversationView})
        view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_userView, &QListView::customContextMenuRequested, this, [this](const QPoint &at) {
        const QModelIndex index = m_userView->indexAt(at);
        if (!index.isValid())
            return;
        QMenu *menu = userMenu(ChatState::nickOf(index.data().toString()));
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_userView->viewport()->mapToGlobal(at));
    });
    connect(m_conversationView, &QListView::customContextMenuRequested, this, [this](const QPoint &at) {
        const QModelIndex index = m_conversationView->indexAt(at);
        if (!index.isValid())
            return;
        QMenu *menu = conversationMenu(index.row());
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_conversationView->viewport()->mapToGlobal(at));
    });

    connect(m_thread, &SessionThread::event, this, &MainWindow::onEvent);
    connect(m_thread, &SessionThread::finished, this, [this] {
        m_closed = true;
        if (m_closing)
            close();
    });
    connect(m_conversationView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &index) { setCurrent(index.row()); });
    connect(m_userView, &QListView::doubleClicked, this,
            [this](const QModelIndex &index) { openPrivate(ChatState::nickOf(index.data().toString())); });
    connect(m_input, &InputLine::submitted, this, &MainWindow::submit);
    m_input->setCompletionSource([this] {
        if (currentRow() < 0)
            return QStringList();
        const ConversationModel::Conversation &c = m_conversations->at(currentRow());
        QStringList nicks = m_chat.value(c.session).nicks(c.name);
        nicks.removeAll(m_ownNick.value(c.session));
        return nicks;
    });

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->show();
    }
    connect(this, &MainWindow::notificationRequested, this, [this](const QString &title, const QString &text) {
        if (m_tray)
            m_tray->showMessage(title, text, QSystemTrayIcon::Information, 5000);
        QApplication::alert(this);
    });
    m_status->setText(tr("Not connected"));
    m_markTimer = new QTimer(this);
    m_markTimer->setSingleShot(true);
    connect(m_markTimer, &QTimer::timeout, this, &MainWindow::markCurrentRead);
    connect(m_messages, &MessageView::reachedTop, this, &MainWindow::fetchOlder);
}

MainWindow::~MainWindow() = default;

// The view's current index follows its row when conversations are added or removed above it, so
// it, not a stored row number, says which conversation is current.
int MainWindow::currentRow() const { return m_conversationView->currentIndex().row(); }

void MainWindow::connectTo(const ClientSession::Options &options) { m_thread->open(options); }

QString MainWindow::statusText() const { return m_status->text(); }

bool MainWindow::selectConversation(const QString &name)
{
    for (int i = 0; i < m_conversations->count(); ++i) {
        if (m_conversations->at(i).name.compare(name, Qt::CaseInsensitive) == 0) {
            m_conversationView->setCurrentIndex(m_conversations->index(i));
            return true;
        }
    }
    return false;
}

MessageModel::Row MainWindow::infoRow(const ChatEvent &event, MessageModel::Kind kind, const QString &text) const
{
    MessageModel::Row row;
    row.time = event.time;
    row.kind = kind;
    row.text = text;
    return row;
}

void MainWindow::addRow(int row, const MessageModel::Row &line, bool counts, bool highlight)
{
    if (row < 0)
        return;
    ConversationModel::Conversation &c = m_conversations->at(row);
    const bool unseen = row != currentRow() && counts;
    if (unseen && c.unread == 0 && c.messages->rowCount() > 0) {
        // The first news since the user left: a line marks where it starts.
        MessageModel::Row marker;
        marker.time = line.time;
        marker.kind = Kind::Info;
        marker.text = tr("\u2014 unread \u2014");
        c.messages->moveMarker(marker);
    }
    if (!c.messages->append(line))
        return;
    if (unseen)
        m_conversations->markUnread(row, highlight);
}

void MainWindow::addToSession(int session, const MessageModel::Row &line)
{
    for (int i = 0; i < m_conversations->count(); ++i)
        if (m_conversations->at(i).session == session)
            addRow(i, line, false);
}

void MainWindow::addToConversations(int session, const MessageModel::Row &line, const QStringList &channels,
                                    const QString &nick)
{
    // Events about a user go to every conversation they are part of: the channels, and the
    // private chat with them.
    for (int i = 0; i < m_conversations->count(); ++i) {
        const ConversationModel::Conversation &c = m_conversations->at(i);
        if (c.session != session)
            continue;
        const bool relevant = c.type == ConversationModel::Type::Private
                                  ? c.name.compare(nick, Qt::CaseInsensitive) == 0
                                  : channels.contains(c.name, Qt::CaseInsensitive);
        if (relevant)
            addRow(i, line, false);
    }
}

void MainWindow::onEvent(const ChatEvent &ev)
{
    using T = ChatEvent::Type;
    using CT = ConversationModel::Type;
    ChatState &chat = m_chat[ev.session];
    // The channels the nick shares with us, before the event takes them away (a QUIT, a NICK).
    const QStringList hadNick = ev.nick.isEmpty() ? QStringList() : m_chat.value(ev.session).channelsWith(ev.nick);
    // The window's own copy of the session's state, built from the same events.
    const QStringList changed = chat.apply(ev);
    for (const QString &channel : changed) {
        const int row = m_conversations->find(ev.session, channel);
        if (row < 0)
            continue;
        ConversationModel::Conversation &c = m_conversations->at(row);
        if (c.topic != chat.topic(channel)) {
            c.topic = chat.topic(channel);
            m_conversations->changed(row);
        }
        if (row == currentRow()) {
            m_topic->setText(c.topic);
            refreshUsers();
        }
    }

    const int server = m_conversations->serverRow(ev.session);
    const int console
        = server >= 0 ? server : m_conversations->ensure(ev.session, tr("server %1").arg(ev.session), CT::Server);
    if (currentRow() < 0)
        m_conversationView->setCurrentIndex(m_conversations->index(console));
    // Where replies and errors go: the conversation the user is looking at, if it is this session's.
    const int here
        = currentRow() >= 0 && m_conversations->at(currentRow()).session == ev.session ? currentRow() : console;

    switch (ev.type) {
    case T::Message: {
        const ChatMessage &m = ev.message;
        const QString name = m.isPrivate ? (m.isOwn ? m.target : m.from) : m.target;
        const int row = m_conversations->ensure(ev.session, name, m.isPrivate ? CT::Private : CT::Channel);
        MessageModel::Row line = messageRow(m);
        line.highlight = m.isHighlight;
        if (m_conversations->at(row).messages->contains(m.msgid))
            break; // it came in history already
        addRow(row, line, true, m.isHighlight || (m.isPrivate && !m.isOwn));
        if (row == currentRow())
            scheduleMarkRead();
        if (!m.isOwn && (m.isHighlight || m.isPrivate) && !isActiveWindow())
            Q_EMIT notificationRequested(
                m.isPrivate ? tr("%1 (private)").arg(m.from) : tr("%1 in %2").arg(m.from, m.target), m.text);
        break;
    }
    case T::Join: {
        int row = m_conversations->find(ev.session, ev.channel);
        if (ev.own) {
            // A new conversation, or one the user asked to join again, is shown; one rejoined
            // after a reconnect keeps its place, and the user stays where they are.
            const bool show = row < 0 || m_pendingJoins.remove(ev.channel.toLower());
            row = m_conversations->ensure(ev.session, ev.channel, CT::Channel);
            ConversationModel::Conversation &c = m_conversations->at(row);
            c.joined = true;
            // What the channel is like now comes from the server after the join (332, NAMES):
            // nothing from before a reconnect stays.
            c.topic.clear();
            m_conversations->changed(row);
            if (row == currentRow())
                m_topic->clear();
            if (show)
                m_conversationView->setCurrentIndex(m_conversations->index(row));
        }
        addRow(row, infoRow(ev, Kind::Event, tr("--> %1 joined %2").arg(ev.nick, ev.channel)), false);
        break;
    }
    case T::Part:
    case T::Kick: {
        const int row = m_conversations->find(ev.session, ev.channel);
        QString text = ev.type == T::Kick
                           ? tr("<-- %1 was kicked from %2 by %3").arg(ev.nick, ev.channel, ev.list.value(0))
                           : tr("<-- %1 left %2").arg(ev.nick, ev.channel);
        if (!ev.text.isEmpty())
            text += QStringLiteral(" (%1)").arg(ev.text);
        addRow(row, infoRow(ev, ev.type == T::Kick && ev.own ? Kind::Error : Kind::Event, text),
               ev.type == T::Kick && ev.own);
        if (ev.own && row >= 0) {
            m_conversations->at(row).joined = false;
            m_conversations->changed(row);
            if (row == currentRow())
                refreshUsers();
        }
        break;
    }
    case T::Quit:
        addToConversations(ev.session, infoRow(ev, Kind::Event, tr("<-- %1 quit (%2)").arg(ev.nick, ev.text)), hadNick,
                           ev.nick);
        break;
    case T::Nick: {
        addToConversations(ev.session, infoRow(ev, Kind::Event, tr("%1 is now known as %2").arg(ev.nick, ev.text)),
                           hadNick, ev.nick);
        if (ev.own) {
            m_ownNick.insert(ev.session, ev.text);
            showStatus(ev.session);
        }
        // A private conversation follows its peer's new nick.
        const int row = m_conversations->find(ev.session, ev.nick);
        if (row >= 0 && m_conversations->at(row).type == CT::Private)
            m_conversations->rename(row, ev.text);
        break;
    }
    case T::Topic: {
        if (ev.text.isEmpty() && ev.nick.isEmpty())
            break; // "no topic": said only when asked
        const int row = m_conversations->find(ev.session, ev.channel);
        const QString text
            = ev.nick.isEmpty() ? tr("Topic: %1").arg(ev.text) : tr("%1 set the topic: %2").arg(ev.nick, ev.text);
        addRow(row, infoRow(ev, Kind::Event, text), false);
        break;
    }
    case T::Mode: {
        const int row = m_conversations->find(ev.session, ev.channel);
        addRow(row >= 0 ? row : here,
               infoRow(ev, Kind::Event, tr("%1 sets mode %2 on %3").arg(ev.nick, ev.text, ev.channel)), false);
        break;
    }
    case T::State:
        m_ownNick.insert(ev.session, ev.nick);
        m_state.insert(ev.session, sessionStateName(ev.state));
        m_address.insert(ev.session, ev.channel);
        // The address until the server names its network.
        if (!m_network.contains(ev.session))
            m_conversations->rename(console, ev.channel);
        showStatus(ev.session);
        break;
    case T::Connection:
        // Visible in every conversation of the session: the user sees the drop and the return.
        addToSession(ev.session, infoRow(ev, Kind::Info, ev.text));
        statusBar()->showMessage(ev.text, 5000);
        break;
    case T::Away:
        addToConversations(
            ev.session,
            infoRow(ev, Kind::Event,
                    ev.text.isEmpty() ? tr("%1 is back").arg(ev.nick) : tr("%1 is away: %2").arg(ev.nick, ev.text)),
            hadNick, ev.nick);
        break;
    case T::Who:
        addRow(here, infoRow(ev, Kind::Info, QStringLiteral("%1 %2").arg(ev.nick, ev.text)), false);
        break;
    case T::Info:
        addRow(here, infoRow(ev, Kind::Info, ev.text), false);
        break;
    case T::Server:
        addRow(console, infoRow(ev, Kind::Info, ev.text), false);
        break;
    case T::Error:
        addRow(here, infoRow(ev, Kind::Error, ev.text), false);
        break;
    case T::ChannelListed:
        if (m_channelList && m_channelList->isVisible())
            m_channelList->addChannel(ev.channel, ev.count, ev.text);
        else
            addRow(here, infoRow(ev, Kind::Info, tr("%1 (%2): %3").arg(ev.channel).arg(ev.count).arg(ev.text)), false);
        break;
    case T::History:
        insertHistory(ev);
        break;
    case T::ReadMarker: {
        // Read up to here, perhaps on another device: nothing newer means nothing unread.
        m_readMarkers.insert({ev.session, ev.channel.toLower()}, ev.stamp);
        const int row = m_conversations->find(ev.session, ev.channel);
        if (row >= 0 && ev.stamp.isValid()) {
            const MessageModel *messages = m_conversations->at(row).messages;
            const int newest = messages->newestMessage();
            if (newest < 0 || messages->row(newest).time <= ev.stamp)
                m_conversations->markRead(row);
        }
        break;
    }
    case T::NickList:
        addRow(here,
               infoRow(ev, Kind::Info, tr("%1 (%2): %3").arg(ev.channel).arg(ev.list.size()).arg(ev.list.join(u' '))),
               false);
        break;
    case T::Support:
        // The network's name (NETWORK=), as HexChat names a server's entry.
        for (const QString &token : ev.list) {
            if (token.startsWith(u"NETWORK=") && token.size() > 8) {
                m_network.insert(ev.session, token.mid(8));
                m_conversations->rename(console, token.mid(8));
            }
        }
        break;
    case T::Names:
        break; // only the state above
    }
}

MessageModel::Row MainWindow::messageRow(const ChatMessage &m)
{
    MessageModel::Row line;
    line.time = m.time;
    line.kind = m.kind == ChatMessage::Kind::Action   ? Kind::Action
                : m.kind == ChatMessage::Kind::Notice ? Kind::Notice
                                                      : Kind::Message;
    line.nick = m.from;
    line.text = m.text;
    line.own = m.isOwn;
    line.msgid = m.msgid;
    return line;
}

void MainWindow::submit(const QString &line)
{
    // /list opens the channel list (its filter is the dialog's); everything else is the
    // network thread's.
    const ChatCommand command = ChatCommand::parse(line);
    if (command.kind == ChatCommand::Kind::ChannelList) {
        showChannelList(command.args.value(0));
        return;
    }
    if (command.kind == ChatCommand::Kind::Join) {
        const QString name = command.args.value(0);
        m_pendingJoins.insert((name.startsWith(u'#') || name.startsWith(u'&') ? name : u'#' + name).toLower());
    }
    if (command.kind == ChatCommand::Kind::Clear) {
        if (currentRow() >= 0)
            m_conversations->at(currentRow()).messages->clear();
        return;
    }
    if (command.kind == ChatCommand::Kind::Close) {
        closeCurrent();
        return;
    }
    m_thread->execute(line);
}

void MainWindow::showChannelList(const QString &filter)
{
    if (!m_channelList) {
        m_channelList = new ChannelListDialog(this);
        connect(m_channelList, &ChannelListDialog::joinRequested, this,
                [this](const QString &channel) { m_thread->execute(QStringLiteral("/join %1").arg(channel)); });
        connect(m_channelList, &ChannelListDialog::refreshRequested, this, [this] {
            m_channelList->clear();
            m_thread->execute(QStringLiteral("/list"));
        });
    }
    m_channelList->filter()->setText(filter);
    m_channelList->clear();
    m_channelList->show();
    m_channelList->raise();
    m_thread->execute(QStringLiteral("/list"));
}

void MainWindow::search(const QString &words)
{
    if (currentRow() < 0 || words.trimmed().isEmpty())
        return;
    const ConversationModel::Conversation &c = m_conversations->at(currentRow());
    // At once, what this conversation shows; the server's history replaces it when it answers.
    QList<ChatMessage> found;
    const QStringList wanted = words.split(u' ', Qt::SkipEmptyParts);
    for (int i = 0; i < c.messages->rowCount(); ++i) {
        const MessageModel::Row &r = c.messages->row(i);
        if (r.kind > Kind::Notice)
            continue;
        if (std::all_of(wanted.begin(), wanted.end(),
                        [&](const QString &w) { return r.text.contains(w, Qt::CaseInsensitive); })) {
            ChatMessage m;
            m.time = r.time;
            m.from = r.nick;
            m.text = r.text;
            m.msgid = r.msgid;
            found.append(m);
        }
    }
    showResults(found.size() == 1 ? tr("1 match in what is shown")
                                  : tr("%1 matches in what is shown").arg(found.size()),
                found);
    if (c.type != ConversationModel::Type::Server) {
        m_searching = {c.session, c.name.toLower()};
        m_thread->search(c.session, c.name, words);
    }
}

void MainWindow::showResults(const QString &title, const QList<ChatMessage> &messages)
{
    m_results->clear();
    auto *header = new QListWidgetItem(title, m_results);
    header->setFlags(Qt::NoItemFlags);
    for (const ChatMessage &m : messages) {
        auto *item = new QListWidgetItem(QStringLiteral("[%1] <%2> %3")
                                             .arg(m.time.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                                  IrcText::sanitize(m.from),
                                                  IrcText::sanitize(IrcText::stripFormatting(m.text))),
                                         m_results);
        item->setData(Qt::UserRole, m.msgid);
    }
    m_results->show();
}

void MainWindow::insertHistory(const ChatEvent &ev)
{
    if (ev.text == u"search") {
        if (m_searching == qMakePair(ev.session, ev.channel.toLower()))
            showResults(ev.messages.size() == 1 ? tr("1 match in the server's history")
                                                : tr("%1 matches in the server's history").arg(ev.messages.size()),
                        ev.messages);
        return;
    }
    const int row = m_conversations->find(ev.session, ev.channel);
    if (row < 0)
        return;
    ConversationModel::Conversation &c = m_conversations->at(row);
    const auto separator = [&ev](const QString &text) {
        MessageModel::Row r;
        r.time = ev.time;
        r.kind = Kind::Info;
        r.text = QStringLiteral("\u2014 %1 \u2014").arg(text);
        return r;
    };
    if (ev.text == u"before") {
        c.fetching = false;
        QList<MessageModel::Row> rows;
        for (const ChatMessage &m : ev.messages)
            rows.append(messageRow(m));
        if (ev.messages.isEmpty() && !c.historyDone) {
            c.historyDone = true;
            rows.append(separator(tr("start of history")));
        }
        c.messages->prepend(rows);
        return;
    }
    if (ev.messages.isEmpty())
        return;
    // What was said before we came, with a line where the user stopped reading (on whichever
    // device), then a separator above what comes now.
    const QDateTime readUntil = m_readMarkers.value({ev.session, ev.channel.toLower()});
    bool unreadMarked = false;
    int unread = 0;
    int added = 0;
    for (const ChatMessage &m : ev.messages) {
        if (c.messages->contains(m.msgid))
            continue; // shown already (a rejoin after a reconnect fetches what was seen)
        if (readUntil.isValid() && m.time > readUntil && !m.isOwn) {
            if (!unreadMarked && c.messages->rowCount() > 0)
                c.messages->append(separator(tr("unread since you left")));
            unreadMarked = true;
            ++unread;
        }
        added += c.messages->append(messageRow(m)) ? 1 : 0;
    }
    if (added > 0)
        c.messages->append(separator(tr("history")));
    if (unread > 0 && row != currentRow())
        m_conversations->markUnread(row, false);
}

void MainWindow::scheduleMarkRead()
{
    if (!m_markTimer->isActive())
        m_markTimer->start(1000);
}

void MainWindow::markCurrentRead()
{
    // Only what the user can see is read: not while the window is in the background.
    if (currentRow() < 0 || !isActiveWindow())
        return;
    const ConversationModel::Conversation &c = m_conversations->at(currentRow());
    const int newest = c.messages->newestMessage();
    if (c.type != ConversationModel::Type::Server && newest >= 0)
        m_thread->markRead(c.session, c.name, c.messages->row(newest).time);
}

void MainWindow::fetchOlder()
{
    if (currentRow() < 0)
        return;
    ConversationModel::Conversation &c = m_conversations->at(currentRow());
    const int oldest = c.messages->oldestMessage();
    if (c.type == ConversationModel::Type::Server || c.fetching || c.historyDone || oldest < 0)
        return;
    c.fetching = true;
    m_thread->fetchOlder(c.session, c.name, c.messages->row(oldest).msgid, c.messages->row(oldest).time);
}

void MainWindow::showStatus(int session)
{
    m_status->setText(
        tr("%1 on %2: %3").arg(m_ownNick.value(session), m_address.value(session), m_state.value(session)));
}

void MainWindow::setCurrent(int row)
{
    if (row < 0 || row >= m_conversations->count())
        return;
    ConversationModel::Conversation &c = m_conversations->at(row);
    m_conversations->markRead(row);
    m_messages->setModel(c.messages);
    m_topic->setText(c.topic);
    m_topic->setVisible(c.type == ConversationModel::Type::Channel);
    refreshUsers();
    m_thread->setCurrent(c.session, c.type == ConversationModel::Type::Server ? QString() : c.name);
    m_input->setFocus();
    scheduleMarkRead();
}

QMenu *MainWindow::userMenu(const QString &nick)
{
    auto *menu = new QMenu(this);
    // Typed commands, so that each goes to the current channel exactly as if typed there.
    const auto command = [this](const QString &line) { return [this, line] { m_thread->execute(line); }; };
    menu->addAction(tr("Private chat"), this, [this, nick] { openPrivate(nick); });
    menu->addAction(tr("Who is %1?").arg(nick), this, command(QStringLiteral("/whois %1").arg(nick)));
    menu->addSeparator();
    menu->addAction(tr("Make operator"), this, command(QStringLiteral("/mode +o %1").arg(nick)));
    menu->addAction(tr("Remove operator"), this, command(QStringLiteral("/mode -o %1").arg(nick)));
    menu->addAction(tr("Give voice"), this, command(QStringLiteral("/mode +v %1").arg(nick)));
    menu->addAction(tr("Take voice"), this, command(QStringLiteral("/mode -v %1").arg(nick)));
    menu->addSeparator();
    menu->addAction(tr("Kick"), this, command(QStringLiteral("/kick %1").arg(nick)));
    menu->addAction(tr("Ban and kick"), this, [this, nick] {
        m_thread->execute(QStringLiteral("/mode +b %1!*@*").arg(nick));
        m_thread->execute(QStringLiteral("/kick %1").arg(nick));
    });
    return menu;
}

QMenu *MainWindow::conversationMenu(int row)
{
    auto *menu = new QMenu(this);
    if (row < 0 || row >= m_conversations->count())
        return menu;
    const ConversationModel::Conversation &c = m_conversations->at(row);
    const int session = c.session;
    const QString name = c.name;
    // Rows move as conversations come and go: each action finds its conversation again.
    const auto select = [this, session, name] {
        const int at = m_conversations->find(session, name);
        if (at >= 0)
            m_conversationView->setCurrentIndex(m_conversations->index(at));
        return at >= 0;
    };
    menu->addAction(tr("Mark as read"), this, [this, session, name] {
        if (const int at = m_conversations->find(session, name); at >= 0)
            m_conversations->markRead(at);
    });
    if (c.type == ConversationModel::Type::Channel && c.joined)
        menu->addAction(tr("Leave %1").arg(name), this, [this, select, name] {
            if (select())
                m_thread->execute(QStringLiteral("/part %1").arg(name));
        });
    if (c.type != ConversationModel::Type::Server)
        menu->addAction(tr("Close"), this, [this, select] {
            if (select())
                closeCurrent();
        });
    return menu;
}

void MainWindow::selectRow(int row)
{
    const int count = m_conversations->count();
    if (count > 0)
        m_conversationView->setCurrentIndex(m_conversations->index((row % count + count) % count));
}

void MainWindow::closeCurrent()
{
    const int row = currentRow();
    if (row < 0)
        return;
    const ConversationModel::Conversation &c = m_conversations->at(row);
    if (c.type == ConversationModel::Type::Server)
        return; // a session's console goes with the session (/terminate)
    if (c.type == ConversationModel::Type::Channel && c.joined)
        m_thread->execute(QStringLiteral("/part %1").arg(c.name));
    m_conversations->remove(row); // the view makes a neighbour current
}

void MainWindow::refreshUsers()
{
    QStringList users;
    if (currentRow() >= 0) {
        const ConversationModel::Conversation &c = m_conversations->at(currentRow());
        if (c.type == ConversationModel::Type::Channel)
            users = m_chat.value(c.session).members(c.name);
    }
    if (m_users->stringList() != users)
        m_users->setStringList(users);
}

void MainWindow::openPrivate(const QString &nick)
{
    if (currentRow() < 0 || nick.isEmpty())
        return;
    const int session = m_conversations->at(currentRow()).session;
    const int row = m_conversations->ensure(session, nick, ConversationModel::Type::Private);
    m_conversationView->setCurrentIndex(m_conversations->index(row));
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    // Back to the window: what it shows is read now.
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        scheduleMarkRead();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_closed) {
        event->accept();
        return;
    }
    // Say goodbye to every server first; close for real once they are gone (or after a while).
    event->ignore();
    if (m_closing)
        return;
    m_closing = true;
    m_status->setText(tr("Leaving..."));
    m_thread->quit(tr("Leaving"));
    QTimer::singleShot(3000, this, [this] {
        m_closed = true;
        close();
    });
}
