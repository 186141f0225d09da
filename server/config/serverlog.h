// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>
#include <QString>

// The server's log: one line per connect, registration, disconnect (with its reason) and error,
// on stderr. Never message contents: what people say is not the operator's log.
Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace ServerLog {
// "error", "warning", "info" or "debug". Until it is called only warnings and errors show,
// which keeps the tests' output quiet.
void setLevel(const QString &level);
} // namespace ServerLog
