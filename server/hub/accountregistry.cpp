// SPDX-License-Identifier: MIT
#include "accountregistry.h"

#include "protocol/ircnames.h"

void AccountRegistry::load(const QList<AccountRecord> &accounts)
{
    m_byKey.clear();
    m_certificates.clear();
    for (const AccountRecord &record : accounts)
        put(record);
    m_available = true;
}

const AccountRecord *AccountRegistry::find(QByteArrayView name) const
{
    const auto it = m_byKey.constFind(IrcNames::fold(name));
    return it == m_byKey.constEnd() ? nullptr : &*it;
}

const AccountRecord *AccountRegistry::findByCertificate(QByteArrayView fingerprint) const
{
    const auto it = m_certificates.constFind(fingerprint.toByteArray().toLower());
    return it == m_certificates.constEnd() ? nullptr : find(*it);
}

void AccountRegistry::put(const AccountRecord &record)
{
    const QByteArray key = IrcNames::fold(record.name);
    if (const auto old = m_byKey.constFind(key); old != m_byKey.constEnd())
        for (const QByteArray &fingerprint : old->certificates)
            m_certificates.remove(fingerprint);
    m_byKey.insert(key, record);
    for (const QByteArray &fingerprint : record.certificates)
        m_certificates.insert(fingerprint, key);
}

void AccountRegistry::remove(QByteArrayView name)
{
    const QByteArray key = IrcNames::fold(name);
    if (const auto old = m_byKey.constFind(key); old != m_byKey.constEnd())
        for (const QByteArray &fingerprint : old->certificates)
            m_certificates.remove(fingerprint);
    m_byKey.remove(key);
}

bool AccountRegistry::isReserved(QByteArrayView name) const { return m_reserved.contains(IrcNames::fold(name)); }

void AccountRegistry::reserve(QByteArrayView name) { m_reserved.insert(IrcNames::fold(name)); }

void AccountRegistry::release(QByteArrayView name) { m_reserved.remove(IrcNames::fold(name)); }
