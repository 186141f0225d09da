// SPDX-License-Identifier: MIT
// confab-gui-scrollbench: the desktop client's message list with many lines, timed. Not a test
// (timing belongs in a benchmark): run by hand, or by resources/scripts/bench-clients.sh.
//   QT_QPA_PLATFORM=offscreen confab-gui-scrollbench [LINES]
// Fills the real model and view (MessageModel, MessageView and its delegate) with LINES rows
// (default 100000, kept with --scrollback LINES), then times appending one more line until it is
// painted, and scrolling to a random place until it is painted; prints one JSON line.

#include "messagemodel.h"
#include "messageview.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QScrollBar>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {
double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())))];
}

MessageModel::Row row(int i)
{
    MessageModel::Row r;
    r.time = QDateTime::currentDateTime();
    r.nick = QStringLiteral("user%1").arg(i % 50);
    r.text = QStringLiteral("line %1 of the scrollback test, long enough to be a real chat line").arg(i);
    return r;
}
} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int lines
        = argc > 1 ? std::clamp(QString::fromLocal8Bit(argv[1]).toInt(), 100, MessageModel::MaxMaxRows) : 100000;
    MessageModel model;
    model.setMaxRows(lines);
    MessageView view;
    view.setModel(&model);
    view.resize(900, 600);
    view.show();
    QApplication::processEvents();

    QElapsedTimer fill;
    fill.start();
    for (int i = 0; i < lines; ++i)
        model.append(row(i));
    QApplication::processEvents();
    view.viewport()->repaint();
    const double fillSeconds = double(fill.nsecsElapsed()) / 1e9;

    // One line more (the oldest goes), until it is painted, as a message arriving.
    // Few of each: with the list laid out again on every change, one append can take a second.
    std::vector<double> append;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer t;
        t.start();
        model.append(row(lines + i));
        QApplication::processEvents();
        view.viewport()->repaint();
        append.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    // Scrolling to a random place, until it is painted.
    std::vector<double> scroll;
    QScrollBar *bar = view.verticalScrollBar();
    for (int i = 0; i < 50; ++i) {
        QElapsedTimer t;
        t.start();
        bar->setValue(int(QRandomGenerator::global()->bounded(bar->maximum() + 1)));
        QApplication::processEvents();
        view.viewport()->repaint();
        scroll.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::printf("{\"client\":\"confab-gui\",\"lines\":%d,\"fill_s\":%.2f,\"append_p50_ms\":%.2f,\"append_p99_ms\":%.2f,"
                "\"scroll_p50_ms\":%.2f,\"scroll_p99_ms\":%.2f}\n",
                lines, fillSeconds, percentile(append, 50), percentile(append, 99), percentile(scroll, 50),
                percentile(scroll, 99));
    return 0;
}
