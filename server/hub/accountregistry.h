// SPDX-License-Identifier: MIT
#pragma once

#include "storage/accountrecord.h"

#include <QByteArrayView>
#include <QHash>
#include <QSet>

// Every account, in the hub's memory: loaded once at start-up, changed only after the store has
// written the change. Looking up a name or a certificate never waits for the disk. Reserved names
// are those being registered right now, so that two connections cannot both register one name.
class AccountRegistry {
public:
    void load(const QList<AccountRecord> &accounts);
    // False when the server has no database for accounts: logins and registration are refused.
    bool isAvailable() const { return m_available; }
    void setAvailable(bool available) { m_available = available; }

    const AccountRecord *find(QByteArrayView name) const;
    const AccountRecord *findByCertificate(QByteArrayView fingerprint) const;
    bool exists(QByteArrayView name) const { return find(name) != nullptr; }
    void put(const AccountRecord &record);
    void remove(QByteArrayView name);
    qsizetype size() const { return m_byKey.size(); }

    bool isReserved(QByteArrayView name) const;
    void reserve(QByteArrayView name);
    void release(QByteArrayView name);

private:
    QHash<QByteArray, AccountRecord> m_byKey;     // folded name -> record
    QHash<QByteArray, QByteArray> m_certificates; // fingerprint -> folded name
    QSet<QByteArray> m_reserved;                  // folded names being registered
    bool m_available = false;
};
