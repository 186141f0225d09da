// SPDX-License-Identifier: MIT
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
// mIRC's colours as mIRC draws them (0-15), and the extended ones (16-98) as specified.
QString mircColor(int n)
{
    const qint64 rgb = IrcText::mircToRgb(n);
    return rgb < 0 ? QString() : QStringLiteral("#%1").arg(rgb, 6, 16, QLatin1Char('0'));
}

// IRC formatting as markup around each run; the runs' text itself escaped and linkified.
QString formatted(const QString &raw)
{
    QString out;
    for (const IrcText::Span &span : IrcText::spans(raw)) {
        const QString html = linkify(IrcText::sanitize(span.text));
        const IrcText::Format &f = span.format;
        QStringList css;
        if (f.bold)
            css << QStringLiteral("font-weight:bold");
        if (f.italic)
            css << QStringLiteral("font-style:italic");
        if (f.underline || f.strikethrough)
            css << QStringLiteral("text-decoration:%1%2")
                       .arg(f.underline ? QStringLiteral("underline ") : QString(),
                            f.strikethrough ? QStringLiteral("line-through") : QString());
        if (f.monospace)
            css << QStringLiteral("font-family:monospace");
        // Reverse swaps the colours; with none set, it is light on dark.
        QString fg = mircColor(f.foreground), bg = mircColor(f.background);
        if (f.reverse) {
            std::swap(fg, bg);
            if (fg.isEmpty())
                fg = mircColor(0);
            if (bg.isEmpty())
                bg = mircColor(1);
        }
        if (!fg.isEmpty())
            css << QStringLiteral("color:%1").arg(fg);
        if (!bg.isEmpty())
            css << QStringLiteral("background-color:%1").arg(bg);
        out += css.isEmpty() ? html : QStringLiteral("<span style=\"%1\">%2</span>").arg(css.join(u';'), html);
    }
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
    const QString raw = index.data(MessageModel::TextRole).toString();
    // What people said keeps its formatting; what the client or server says is plain.
    const bool said = kind == K::Message || kind == K::Action || kind == K::Notice;
    const QString text = said ? formatted(raw) : linkify(IrcText::sanitize(raw));
    const bool highlight = index.data(MessageModel::HighlightRole).toBool();
    const QString nickHtml
        = QStringLiteral("<b style=\"color:%1\">%2</b>").arg(nickColor(nick).name(), nick.toHtmlEscaped());
    QString body;
    switch (kind) {
    case K::Message:
        body = QStringLiteral("&lt;%1&gt; %2").arg(nickHtml, text);
        break;
    case K::Action:
        body = QStringLiteral("* %1 %2").arg(nickHtml, text);
        break;
    case K::Notice:
        body = QStringLiteral("-%1- %2").arg(nickHtml, text);
        break;
    case K::Event:
    case K::Info:
        body = QStringLiteral("<span style=\"color:#888\">%1</span>").arg(text);
        break;
    case K::Error:
        body = QStringLiteral("<span style=\"color:#c00\">%1</span>").arg(text);
        break;
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
    const auto *model = qobject_cast<const MessageModel *>(index.model());
    if (model) {
        const int cached = model->laidOutHeight(index.row(), width);
        if (cached >= 0)
            return QSize(width, cached);
    }
    QTextDocument doc;
    buildDocument(doc, index, width, option.font);
    const int height = int(std::ceil(doc.size().height()));
    if (model)
        model->setLaidOutHeight(index.row(), width, height);
    return QSize(width, height);
}
