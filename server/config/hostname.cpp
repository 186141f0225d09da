// SPDX-License-Identifier: MIT
#include "hostname.h"

#include <QHostAddress>

bool HostName::isValid(const QString &host)
{
    const QHostAddress ip(host);
    if (!ip.isNull())
        return ip.scopeId().isEmpty(); // a link-local scope does not survive the URL
    if (host.isEmpty() || host.size() > 253)
        return false;
    for (QChar c : host) {
        if (!(c.isLetterOrNumber() && c.unicode() < 0x80) && c != u'-' && c != u'.')
            return false;
    }
    return true;
}
