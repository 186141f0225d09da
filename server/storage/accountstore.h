// SPDX-License-Identifier: MIT
#pragma once

#include "accountrecord.h"

#include <QList>
#include <QObject>
#include <QString>

// Where accounts are kept: the narrow interface every engine implements (SQLite today, in the same
// database as history). It lives in the storage thread; the hub keeps every account in memory
// (loaded once at start-up) and sends each change here, and a change counts only once written()
// says it is on disk, so that nobody is told "registered" for an account a restart would forget.
class AccountStore : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // In the store's thread, at start-up: every account. False with a one-line reason when
    // accounts cannot be kept (no database).
    virtual bool load(QString *error, QList<AccountRecord> *accounts) = 0;
    // In the store's thread, last.
    virtual void close() = 0;

public Q_SLOTS:
    virtual void write(const AccountWrite &change) = 0;
    // Reads one account again (another node changed it): answered with reloaded(), unless it
    // cannot be read (then the log says so and the registry keeps what it had).
    virtual void reload(const QByteArray &name) = 0;

Q_SIGNALS:
    // `error` is empty when the change is written.
    void written(quint64 request, const QString &error);
    // `exists` false: there is no such account (any more), or it could not be read.
    void reloaded(const QByteArray &name, const AccountRecord &record, bool exists);
};
