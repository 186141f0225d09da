// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

// Passwords for the clients' --account, from anywhere but the command line (where ps shows
// them): a file, an environment variable, or the terminal with echo off.
namespace SecretInput {
// The first line of `path` (without its line end). Nothing, with `error` saying why, if the file
// cannot be read or the line is empty.
std::optional<QByteArray> fromFile(const QString &path, QString *error);
// A line typed on the controlling terminal after `prompt`, not echoed. Nothing if stdin is not
// a terminal or the input ends.
std::optional<QByteArray> fromTerminal(const char *prompt);
// --password-file, else $CONFAB_PASSWORD, else the terminal (when `mayPrompt`). Nothing, with
// `error` saying what to do, if none gives a password.
std::optional<QByteArray> accountPassword(const QString &file, bool mayPrompt, QString *error);
} // namespace SecretInput
