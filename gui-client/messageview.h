// SPDX-License-Identifier: MIT
#pragma once

#include <QListView>
#include <QPersistentModelIndex>
#include <QUrl>

// The message list: word-wrapped rows, follows the bottom unless the user scrolled up, and
// opens links on click.
class MessageView : public QListView {
    Q_OBJECT
public:
    explicit MessageView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    QUrl linkAt(const QPoint &pos) const;

Q_SIGNALS:
    void linkActivated(const QUrl &url);
    // The user scrolled to the top (or tried to scroll past it): time for older history.
    void reachedTop();

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    void rowsAdded(const QModelIndex &parent, int first);

    QPersistentModelIndex m_anchor; // the top row while older rows are put above it
};
