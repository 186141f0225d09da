// SPDX-License-Identifier: MIT
#include "secretinput.h"

#include <QFile>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace SecretInput {
std::optional<QByteArray> fromFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QByteArray line = file.readLine(4096);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty()) {
        *error = QStringLiteral("%1 holds no password on its first line").arg(path);
        return std::nullopt;
    }
    return line;
}

std::optional<QByteArray> fromTerminal(const char *prompt)
{
    if (!isatty(STDIN_FILENO))
        return std::nullopt;
    termios saved {};
    const bool hide = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (hide) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::fputs(prompt, stderr);
    std::fflush(stderr);
    QByteArray line;
    bool ended = false;
    for (;;) {
        const int c = std::fgetc(stdin);
        if (c == EOF) {
            ended = line.isEmpty();
            break;
        }
        if (c == '\n')
            break;
        if (line.size() < 4096)
            line.append(char(c));
    }
    if (hide)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    if (line.endsWith('\r'))
        line.chop(1);
    if (ended || line.isEmpty())
        return std::nullopt;
    return line;
}

std::optional<QByteArray> accountPassword(const QString &file, bool mayPrompt, QString *error)
{
    if (!file.isEmpty())
        return fromFile(file, error);
    const QByteArray env = qgetenv("CONFAB_PASSWORD");
    if (!env.isEmpty())
        return env;
    if (mayPrompt) {
        if (auto typed = fromTerminal("Account password: "))
            return typed;
    }
    *error
        = QStringLiteral("--account needs a password: --password-file FILE, the CONFAB_PASSWORD environment variable, "
                         "or a terminal to type it on");
    return std::nullopt;
}
} // namespace SecretInput
