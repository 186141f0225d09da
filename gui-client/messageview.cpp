// SPDX-License-Identifier: MIT
#include "messageview.h"

#include "messagedelegate.h"

#include <QAbstractTextDocumentLayout>
#include <QDesktopServices>
#include <QMouseEvent>
#include <QScrollBar>
#include <QTextDocument>
#include <QWheelEvent>

MessageView::MessageView(QWidget *parent)
    : QListView(parent)
{
    setItemDelegate(new MessageDelegate(this));
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(false);
    setWordWrap(true);
    setMouseTracking(true);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(this, &MessageView::linkActivated, this, [](const QUrl &url) { QDesktopServices::openUrl(url); });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (value == verticalScrollBar()->minimum() && verticalScrollBar()->maximum() > 0)
            Q_EMIT reachedTop();
    });
}

void MessageView::wheelEvent(QWheelEvent *event)
{
    // Upwards at the top already (or with too few lines to scroll at all).
    if (event->angleDelta().y() > 0 && verticalScrollBar()->value() == verticalScrollBar()->minimum())
        Q_EMIT reachedTop();
    QListView::wheelEvent(event);
}

void MessageView::setModel(QAbstractItemModel *model)
{
    if (this->model())
        disconnect(this->model(), nullptr, this, nullptr);
    QListView::setModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) {
            if (first == 0 && this->model()->rowCount() > 0)
                m_anchor = indexAt(QPoint(1, 1));
        });
        connect(model, &QAbstractItemModel::rowsInserted, this, &MessageView::rowsAdded);
    }
    scrollToBottom();
}

void MessageView::rowsAdded(const QModelIndex &, int first)
{
    if (first == 0 && m_anchor.isValid()) {
        // Older lines above: what the user was reading stays where it was.
        const QModelIndex anchor = m_anchor;
        m_anchor = QPersistentModelIndex();
        QMetaObject::invokeMethod(
            this, [this, anchor] { scrollTo(anchor, QAbstractItemView::PositionAtTop); }, Qt::QueuedConnection);
        return;
    }
    // Follow new lines only when the user is already at the bottom.
    QScrollBar *bar = verticalScrollBar();
    if (bar->value() >= bar->maximum() - 4)
        QMetaObject::invokeMethod(this, &QListView::scrollToBottom, Qt::QueuedConnection);
}

QUrl MessageView::linkAt(const QPoint &pos) const
{
    const QModelIndex index = indexAt(pos);
    if (!index.isValid())
        return {};
    const QRect rect = visualRect(index);
    QTextDocument doc;
    MessageDelegate::buildDocument(doc, index, rect.width(), font());
    const QString anchor = doc.documentLayout()->anchorAt(pos - rect.topLeft());
    return anchor.isEmpty() ? QUrl() : QUrl(anchor);
}

void MessageView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        const QUrl url = linkAt(event->position().toPoint());
        if (url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https")) {
            Q_EMIT linkActivated(url);
            return;
        }
    }
    QListView::mouseReleaseEvent(event);
}

void MessageView::mouseMoveEvent(QMouseEvent *event)
{
    viewport()->setCursor(linkAt(event->position().toPoint()).isValid() ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QListView::mouseMoveEvent(event);
}

void MessageView::resizeEvent(QResizeEvent *event)
{
    QListView::resizeEvent(event);
    // Row heights depend on the width: wrap again.
    scheduleDelayedItemsLayout();
}
