// SPDX-License-Identifier: MIT
#include "channellistdialog.h"

#include "text/irctext.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

ChannelListDialog::ChannelListDialog(QWidget *parent)
    : QDialog(parent)
    , m_filter(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_model(new QStandardItemModel(0, 3, this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setWindowTitle(tr("Channel list"));
    resize(620, 420);
    m_model->setHorizontalHeaderLabels({tr("Channel"), tr("Users"), tr("Topic")});
    m_proxy->setSourceModel(m_model);
    // Any column: a word may be in the name or in the topic.
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(Qt::UserRole);
    m_filter->setPlaceholderText(tr("Filter by name or topic"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(1, Qt::DescendingOrder); // the busiest first
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    connect(m_view, &QTableView::doubleClicked, this, &ChannelListDialog::joinSelected);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *join = buttons->addButton(tr("&Join"), QDialogButtonBox::AcceptRole);
    QPushButton *refresh = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ActionRole);
    connect(join, &QPushButton::clicked, this, &ChannelListDialog::joinSelected);
    connect(refresh, &QPushButton::clicked, this, &ChannelListDialog::refreshRequested);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
}

void ChannelListDialog::clear() { m_model->removeRows(0, m_model->rowCount()); }

void ChannelListDialog::addChannel(const QString &name, int users, const QString &topic)
{
    // Network text: plain items, shown without formatting codes or control characters.
    auto *nameItem = new QStandardItem(IrcText::sanitize(name));
    nameItem->setData(name.toLower(), Qt::UserRole);
    nameItem->setData(name, Qt::UserRole + 1);
    auto *usersItem = new QStandardItem(QString::number(users));
    usersItem->setData(users, Qt::UserRole);
    usersItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    const QString shownTopic = IrcText::sanitize(IrcText::stripFormatting(topic));
    auto *topicItem = new QStandardItem(shownTopic);
    topicItem->setData(shownTopic.toLower(), Qt::UserRole);
    topicItem->setToolTip(shownTopic);
    m_model->appendRow({nameItem, usersItem, topicItem});
}

int ChannelListDialog::rowCount() const { return m_proxy->rowCount(); }

void ChannelListDialog::joinSelected()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return;
    const QString channel = m_proxy->index(current.row(), 0).data(Qt::UserRole + 1).toString();
    if (!channel.isEmpty())
        Q_EMIT joinRequested(channel);
}
