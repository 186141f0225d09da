# SPDX-License-Identifier: MIT
# Debian packages (CPack's DEB generator): cmake --build build --target package, or
# resources/scripts/package.sh, which configures for /usr as a package must be.
#   confab-server  the server, its configuration (a conffile), the systemd unit, the user confab
#   confab-client  the terminal client
#   confab-gui     the desktop client, its .desktop file and icons
# Three, not two: the terminal client is what a headless server wants, and the desktop client
# would bring Qt's widgets, X and OpenGL libraries with it.
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    message(STATUS "Packages install to ${CMAKE_INSTALL_PREFIX}: for /usr, as Debian's own, "
                   "use resources/scripts/package.sh")
endif()
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME confab)
set(CPACK_PACKAGE_VENDOR "Confab")
set(CPACK_PACKAGE_CONTACT "Confab maintainers <maintainers@confab.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://confab.invalid/")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
# The configured prefix, so that the unit, the configuration and the server's built-in default
# configuration path agree; and DESTDIR staging, so that install-time code sees that prefix.
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
# As Debian ships programs: without their debug information (30 MB of the server's 32).
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server client)
if(TARGET confab-gui)
    list(APPEND CPACK_COMPONENTS_ALL gui)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the libraries the programs link (dpkg-shlibdeps), plus what they load at run time.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME confab-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
# The SQL driver is a plugin, which dpkg-shlibdeps cannot see; adduser makes the user confab.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libqt6sql6-sqlite, adduser")
# PostgreSQL as the database (--database postgresql://...) needs Qt's driver for it.
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "libqt6sql6-psql")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "lightweight self-hosted chat server (IRC)
 confab-server speaks IRC and IRCv3, keeps history and accounts in SQLite, and
 serves thousands of clients on a pool of threads. irssi, WeeChat, HexChat and
 Confab's own clients connect to it. The systemd unit is installed but not
 started: edit /etc/confab/confab-server.conf, then systemctl enable --now
 confab-server.")
# The maintainer scripts and the conffile list, for the configured prefix's /etc (GNUInstallDirs,
# as resources/systemd/installunit.cmake); the state directory is the unit's StateDirectory.
set(CONFAB_CONFIG_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/confab)
set(CONFAB_CONFIG_FILE ${CONFAB_CONFIG_DIR}/confab-server.conf)
set(CONFAB_STATE_DIR /var/lib/confab)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA "")
foreach(file conffiles postinst prerm postrm)
    configure_file(${PROJECT_SOURCE_DIR}/resources/packaging/server/${file}.in
                   ${PROJECT_BINARY_DIR}/packaging/server/${file} @ONLY
                   FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
    list(APPEND CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/packaging/server/${file})
endforeach()
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME confab-client)
set(CPACK_DEBIAN_CLIENT_PACKAGE_SECTION net)
set(CPACK_COMPONENT_CLIENT_DESCRIPTION "terminal chat client for Confab and other IRC servers
 confab is full-screen on a terminal, laid out as irssi is, and works line by
 line (plain text or JSON) when piped, for scripts.")

set(CPACK_DEBIAN_GUI_PACKAGE_NAME confab-gui)
set(CPACK_DEBIAN_GUI_PACKAGE_SECTION net)
# Qt's platform plugins (xcb, wayland) are loaded at run time.
set(CPACK_DEBIAN_GUI_PACKAGE_DEPENDS "qt6-qpa-plugins")
set(CPACK_COMPONENT_GUI_DESCRIPTION "desktop chat client for Confab and other IRC servers
 confab-gui is a Qt Widgets client with conversations, user lists, history from
 the server and search.")

include(CPack)
