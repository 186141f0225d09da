#include "messageview.h"

#include "messagedelegate.h"

#include <QAbstractTextDocumentLayout>
#include <QDesktopServices>
#include <QMouseEvent>
#include <QScrollBar>
#include <QTextDocument>

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
}

void MessageView::setModel(QAbstractItemModel *model)
{
    if (this->model())
        disconnect(this->model(), nullptr, this, nullptr);
    QListView::setModel(model);
    if (model)
        connect(model, &QAbstractItemModel::rowsInserted, this, &MessageView::rowsAdded);
    scrollToBottom();
}

void MessageView::rowsAdded()
{
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
