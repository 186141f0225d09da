// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// A host in an engine's address (--cluster, --database): an IP address without a scope, or a
// DNS name of ASCII letters, digits, '-' and '.'.
namespace HostName {
bool isValid(const QString &host);
} // namespace HostName
