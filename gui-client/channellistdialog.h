// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

// The server's channels (/list), as HexChat shows them: name, users and topic in a table that
// sorts by any column, with a filter over names and topics. Double-clicking a channel (or Join)
// asks to join it.
class ChannelListDialog : public QDialog {
    Q_OBJECT
public:
    explicit ChannelListDialog(QWidget *parent = nullptr);

    // A fresh list is coming: the rows go.
    void clear();
    void addChannel(const QString &name, int users, const QString &topic);
    int rowCount() const; // after the filter
    QLineEdit *filter() const { return m_filter; }
    QTableView *view() const { return m_view; }

Q_SIGNALS:
    void joinRequested(const QString &channel);
    void refreshRequested();

private:
    void joinSelected();

    QLineEdit *m_filter;
    QTableView *m_view;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
};
