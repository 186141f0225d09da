# SPDX-License-Identifier: MIT
# cmake -DSCDOC=... -DIN=page.scd -DOUT=page.gz -P scdoc.cmake: the roff page, compressed as
# Debian keeps manual pages (gzip -n: no time stamp, so that the same source gives the same file).
execute_process(COMMAND "${SCDOC}" INPUT_FILE "${IN}" OUTPUT_FILE "${OUT}.roff" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "scdoc failed on ${IN}")
endif()
execute_process(COMMAND gzip -9n -c "${OUT}.roff" OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed on ${OUT}.roff")
endif()
