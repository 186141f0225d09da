#pragma once

#include <QListView>
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

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void rowsAdded();
};
