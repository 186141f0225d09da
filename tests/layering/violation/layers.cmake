# SPDX-License-Identifier: MIT
# A hand-written rule file for the check's own test: low may include nothing but QtCore.
find_path(QTCORE_DIR QByteArray PATHS /usr/include/x86_64-linux-gnu/qt6/QtCore /usr/include/qt6/QtCore NO_DEFAULT_PATH)
list(APPEND CONFAB_LAYER_FOLDERS "low" "high")
set("CONFAB_INCLUDES_low" "")
set("CONFAB_QT_low" "${QTCORE_DIR}")
set("CONFAB_INCLUDES_high" "low")
set("CONFAB_QT_high" "${QTCORE_DIR}")
