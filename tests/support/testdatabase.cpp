// SPDX-License-Identifier: MIT
#include "testdatabase.h"

#include "throwawaypostgres.h"

namespace {
ThrowawayPostgres &cluster()
{
    static ThrowawayPostgres postgres;
    return postgres;
}
int created = 0;
} // namespace

bool TestDatabase::isPostgres() { return qEnvironmentVariable("CONFAB_TEST_DATABASE") == u"postgresql"; }

QString TestDatabase::fresh()
{
    if (!isPostgres())
        return QStringLiteral(":memory:");
    if (created == 0 && !cluster().start())
        qFatal("cannot start PostgreSQL: %s", qPrintable(cluster().error()));
    const QByteArray name = "test" + QByteArray::number(++created);
    if (!cluster().createDatabase(name))
        qFatal("cannot create a database: %s", qPrintable(cluster().error()));
    return cluster().url(name);
}

void TestDatabase::stop() { cluster().stop(); }
