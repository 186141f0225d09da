# SPDX-License-Identifier: MIT
# Runs at install time (server/CMakeLists.txt), when CMAKE_INSTALL_PREFIX is the prefix really
# used: installs the sample configuration where GNUInstallDirs puts a system configuration for
# that prefix (/etc for /usr, /etc/opt/X for /opt/X, PREFIX/etc otherwise), and the unit that runs
# the installed server with it. DESTDIR (a package's staging tree) is added by file(INSTALL).
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr" OR prefix STREQUAL "/")
    set(etc "/etc")
elseif(prefix MATCHES "^/opt/")
    set(etc "/etc${prefix}")
else()
    set(etc "${prefix}/etc")
endif()
if(prefix STREQUAL "/")
    set(prefix "")
endif()
set(CONFAB_CONFIG_FILE "${etc}/confab/confab-server.conf")
set(CONFAB_SERVER_PATH "${prefix}/${CONFAB_BINDIR}/confab-server")
set(unit "${CONFAB_UNIT_DIR}/confab-server.service")
configure_file("${CONFAB_SOURCE_DIR}/resources/systemd/confab-server.service.in" "${unit}" @ONLY)
file(INSTALL "${CONFAB_SOURCE_DIR}/resources/config/confab-server.conf" DESTINATION "${etc}/confab")
file(INSTALL "${unit}" DESTINATION "${prefix}/lib/systemd/system")
