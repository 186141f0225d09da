#include "messagedelegate.h"

#include "messagemodel.h"
#include "text/irctext.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QRegularExpression>
#include <QTextDocument>

namespace {
constexpr int Margin = 2;

// Escapes text for the document and turns web addresses into links; nothing else becomes markup.
QString linkify(const QString &text)
{
    static const QRegularExpression url(QStringLiteral(R"((https?://[^\s<>"']+[^\s<>"'.,;:!?)\]]))"));
    QString out;
    qsizetype last = 0;
    for (auto it = url.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(last, m.capturedStart() - last).toHtmlEscaped();
        const QString href = m.captured(1).toHtmlEscaped();
        out += QStringLiteral("<a href=\"%1\">%1</a>").arg(href);
        last = m.capturedEnd();
    }
    out += text.mid(last).toHtmlEscaped();
    return out;
}
} // namespace

QColor MessageDelegate::nickColor(const QString &nick)
{
    uint h = 0;
    for (const QChar c : nick)
        h = h * 31 + c.toLower().unicode();
    return QColor::fromHsl(int(h % 360), 160, 90);
}

QString MessageDelegate::toHtml(const QModelIndex &index)
{
    using K = MessageModel::Kind;
    const auto kind = index.data(MessageModel::KindRole).value<K>();
    const QString time = index.data(MessageModel::TimeRole).toDateTime().toString(QStringLiteral("HH:mm"));
    const QString nick = IrcText::sanitize(index.data(MessageModel::NickRole).toString());
    const QString text = linkify(IrcText::sanitize(index.data(MessageModel::TextRole).toString()));
    const bool highlight = index.data(MessageModel::HighlightRole).toBool();
    const QString nickHtml = QStringLiteral("<b style=\"color:%1\">%2</b>").arg(nickColor(nick).name(), nick.toHtmlEscaped());
    QString body;
    switch (kind) {
    case K::Message: body = QStringLiteral("&lt;%1&gt; %2").arg(nickHtml, text); break;
    case K::Action: body = QStringLiteral("* %1 %2").arg(nickHtml, text); break;
    case K::Notice: body = QStringLiteral("-%1- %2").arg(nickHtml, text); break;
    case K::Event:
    case K::Info: body = QStringLiteral("<span style=\"color:#888\">%1</span>").arg(text); break;
    case K::Error: body = QStringLiteral("<span style=\"color:#c00\">%1</span>").arg(text); break;
    }
    if (highlight)
        body = QStringLiteral("<span style=\"background:#fff3b0\">%1</span>").arg(body);
    return QStringLiteral("<span style=\"color:#999\">%1</span> %2").arg(time, body);
}

void MessageDelegate::buildDocument(QTextDocument &doc, const QModelIndex &index, int width, const QFont &font)
{
    doc.setDefaultFont(font);
    doc.setDocumentMargin(Margin);
    doc.setDefaultStyleSheet(QStringLiteral("a { color: #1a5fb4; }"));
    doc.setHtml(toHtml(index));
    doc.setTextWidth(std::max(50, width));
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    QTextDocument doc;
    buildDocument(doc, index, option.rect.width(), option.font);
    painter->save();
    painter->translate(option.rect.topLeft());
    QAbstractTextDocumentLayout::PaintContext ctx;
    if (option.state & QStyle::State_Selected)
        ctx.palette.setColor(QPalette::Text, option.palette.color(QPalette::HighlightedText));
    doc.documentLayout()->draw(painter, ctx);
    painter->restore();
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto *view = qobject_cast<const QAbstractItemView *>(option.widget);
    const int width = view ? view->viewport()->width() : option.rect.width();
    QTextDocument doc;
    buildDocument(doc, index, width, option.font);
    return QSize(width, int(std::ceil(doc.size().height())));
}
