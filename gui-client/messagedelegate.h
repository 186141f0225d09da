// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

class QTextDocument;

// Draws one message line: a grey timestamp, the nick in its own colour, the text, with web
// addresses as links. Network text is escaped and sanitised before it goes into the document,
// so that a message can never be markup: "<b>" shows as "<b>".
class MessageDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The document a row is drawn from, laid out at `width`; also used to find links.
    static void buildDocument(QTextDocument &doc, const QModelIndex &index, int width, const QFont &font);
    static QString toHtml(const QModelIndex &index);
    static QColor nickColor(const QString &nick);
};
