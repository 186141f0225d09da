# SPDX-License-Identifier: MIT
# Installs the build into a scratch prefix and checks what an operator relies on: the binaries,
# the sample configuration, the licence, the manual pages, and a systemd unit that starts the
# server installed in that prefix with the configuration installed there.
#   cmake -DBUILD_DIR=... -DPREFIX=... [-DMANPAGES=ON] -P checkinstall.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
set(expected bin/confab-server bin/confab etc/confab/confab-server.conf lib/systemd/system/confab-server.service
    share/doc/confab-server/copyright)
if(MANPAGES)
    list(APPEND expected share/man/man8/confab-server.8.gz share/man/man1/confab.1.gz)
endif()
foreach(f ${expected})
    if(NOT EXISTS "${PREFIX}/${f}")
        message(FATAL_ERROR "not installed: ${f}")
    endif()
endforeach()
file(GLOB licence "${PREFIX}/share/doc/*/LICENSE")
if(NOT licence)
    message(FATAL_ERROR "not installed: the LICENSE, under share/doc")
endif()
file(READ "${PREFIX}/lib/systemd/system/confab-server.service" unit)
# Generated at install time: the scratch prefix's server and configuration, not the configured ones.
string(FIND "${unit}" "\nExecStart=${PREFIX}/bin/confab-server --config ${PREFIX}/etc/confab/confab-server.conf\n" at)
if(at LESS 0)
    message(FATAL_ERROR "ExecStart does not run the installed server with its config:\n${unit}")
endif()
foreach(option User=confab ProtectSystem=strict NoNewPrivileges=yes StateDirectory=confab XDG_DATA_HOME=/var/lib)
    string(FIND "${unit}" "${option}" at)
    if(at LESS 0)
        message(FATAL_ERROR "unit lacks ${option}")
    endif()
endforeach()
message(STATUS "install layout OK")
