# SPDX-License-Identifier: MIT
# Installs the build into a scratch prefix and checks what an operator relies on: the binaries,
# the sample configuration, the licence, and a systemd unit that starts the installed server
# with it.
#   cmake -DBUILD_DIR=... -DPREFIX=... -P checkinstall.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
foreach(f bin/confab-server bin/confab etc/confab/confab-server.conf lib/systemd/system/confab-server.service)
    if(NOT EXISTS "${PREFIX}/${f}")
        message(FATAL_ERROR "not installed: ${f}")
    endif()
endforeach()
file(GLOB licence "${PREFIX}/share/doc/*/LICENSE")
if(NOT licence)
    message(FATAL_ERROR "not installed: the LICENSE, under share/doc")
endif()
file(READ "${PREFIX}/lib/systemd/system/confab-server.service" unit)
# The unit was configured for the build's own prefix, not this scratch one: check its shape.
if(NOT unit MATCHES "ExecStart=/[^ ]*/bin/confab-server --config /[^ ]*/confab/confab-server.conf")
    message(FATAL_ERROR "ExecStart does not run the installed server with its config:\n${unit}")
endif()
foreach(option DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes StateDirectory=confab XDG_DATA_HOME=/var/lib)
    string(FIND "${unit}" "${option}" at)
    if(at LESS 0)
        message(FATAL_ERROR "unit lacks ${option}")
    endif()
endforeach()
message(STATUS "install layout OK")
