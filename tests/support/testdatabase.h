// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// The database a test server keeps history and accounts in: ":memory:" (SQLite), or, when the
// test runs with CONFAB_TEST_DATABASE=postgresql (the *_postgres ctest entries), a new empty
// database on a throw-away PostgreSQL cluster (ThrowawayPostgres) that this process starts on
// first use. Either way every call gives a database of its own.
namespace TestDatabase {
bool isPostgres();
QString fresh();
// In cleanupTestCase(): stops the cluster, if one was started.
void stop();
} // namespace TestDatabase
