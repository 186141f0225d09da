// SPDX-License-Identifier: MIT
#pragma once

#include "serverconfig.h"

#include <QString>
#include <QStringList>

// The server's command line and configuration file (--config FILE, INI through QSettings): the
// same option names in both, the command line winning. One table of options feeds --help, the
// parser and the check for unknown keys in the file, so the two can never drift apart.
class ServerOptions {
public:
    enum class Outcome { Run, Exit, Error };

    // args as from QCoreApplication::arguments(). On Exit (for --help, --version) `message` is
    // what to print; on Error it says what is wrong.
    Outcome parse(const QStringList &args);

    const ServerConfig &config() const { return m_config; }
    ServerConfig takeConfig() { return std::move(m_config); }
    QString message() const { return m_message; }
    QString logLevel() const { return m_logLevel; }
    bool console() const { return m_console; }

private:
    ServerConfig m_config;
    QString m_message;
    QString m_logLevel = QStringLiteral("info");
    bool m_console = false;
};
