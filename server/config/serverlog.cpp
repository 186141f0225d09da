// SPDX-License-Identifier: MIT
#include "serverlog.h"

Q_LOGGING_CATEGORY(lcServer, "confab.server", QtWarningMsg)

void ServerLog::setLevel(const QString &level)
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddTHH:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}"
                                      "%{if-warning}warning%{endif}%{if-critical}error%{endif}%{if-fatal}fatal%{endif} "
                                      "%{message}"));
    QString rules;
    if (level == u"debug")
        rules = QStringLiteral("confab.server.debug=true\nconfab.server.info=true");
    else if (level == u"info")
        rules = QStringLiteral("confab.server.debug=false\nconfab.server.info=true");
    else if (level == u"warning")
        rules = QStringLiteral("confab.server.debug=false\nconfab.server.info=false");
    else
        rules = QStringLiteral("confab.server.debug=false\nconfab.server.info=false\nconfab.server.warning=false");
    QLoggingCategory::setFilterRules(rules);
}
