# SPDX-License-Identifier: MIT
# cmake -DSOURCE_DIR=<tree> [-DEXCLUDE=<folder>] -P checkspdx.cmake
# Fails on every source file (C++, CMake, shell and Python) of the tree's top-level CMakeLists.txt,
# .ci/run and its source folders (never its build folders) whose first lines do not name its
# licence with an SPDX-License-Identifier line. EXCLUDE: a folder left out (the check's own
# counter-example).
cmake_minimum_required(VERSION 3.25)
set(files "")
foreach(top CMakeLists.txt .ci/run)
    if(EXISTS ${SOURCE_DIR}/${top})
        list(APPEND files ${top})
    endif()
endforeach()
foreach(folder server shared console-client gui-client tests resources)
    file(GLOB_RECURSE found RELATIVE ${SOURCE_DIR}
         ${SOURCE_DIR}/${folder}/*.cpp ${SOURCE_DIR}/${folder}/*.h ${SOURCE_DIR}/${folder}/*.cmake
         ${SOURCE_DIR}/${folder}/*CMakeLists.txt ${SOURCE_DIR}/${folder}/*.sh ${SOURCE_DIR}/${folder}/*.py)
    list(APPEND files ${found})
endforeach()
set(missing 0)
foreach(file IN LISTS files)
    if(EXCLUDE AND file MATCHES "^${EXCLUDE}/")
        continue()
    endif()
    file(STRINGS ${SOURCE_DIR}/${file} head LIMIT_COUNT 3)
    if(NOT head MATCHES "SPDX-License-Identifier: [A-Za-z0-9.+-]+")
        message("${file}: no SPDX-License-Identifier in its first lines")
        math(EXPR missing "${missing} + 1")
    endif()
endforeach()
list(LENGTH files checked)
if(missing GREATER 0)
    message(FATAL_ERROR "${missing} of ${checked} source files name no licence")
endif()
message("${checked} source files, each with its SPDX-License-Identifier")
