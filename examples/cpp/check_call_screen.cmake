# CTest script for the examples: example_build_db on the FTC sample, then example_call_screen
# on three callers, checking each verdict line. Variables: BUILD_DB, CALL_SCREEN (programs),
# REPORTS (the FTC CSV), WORK_DIR (scratch directory in the build tree).
foreach(var BUILD_DB CALL_SCREEN REPORTS WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_call_screen.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# The reported number and how often it appears in the sample, counted here from the CSV
# itself (every one of its rows has a valid Violation_Date), not from numrep.
set(reported 3152328257)
file(STRINGS "${REPORTS}" reported_rows REGEX "^${reported},")
list(LENGTH reported_rows expected_reports)
if(expected_reports LESS 2)
  message(FATAL_ERROR "${REPORTS}: expected several rows for ${reported}, found ${expected_reports}")
endif()

execute_process(COMMAND "${BUILD_DB}" "${REPORTS}" "${WORK_DIR}/db" --preset ftc
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "example_build_db failed (${rc}):\n${out}\n${err}")
endif()
# Sample: 1,568 data rows; 73 have an empty number (see tests/data/README.md).
if(NOT out MATCHES "1568 rows: [0-9]+ good" OR NOT out MATCHES "missing number: 73\n" OR NOT out MATCHES "saved to ")
  message(FATAL_ERROR "example_build_db: unexpected summary:\n${out}")
endif()
message(STATUS "example_build_db:\n${out}")

# 2021-07-08 00:00 UTC, the day after the sample's complaints: scores are fresh. No --region:
# the national forms are read in the region the database was built with (the ftc preset's, US),
# which example_build_db saves with it (it saved VN, and the US numbers read as Vietnamese ones).
file(WRITE "${WORK_DIR}/callers.txt" "(315) 232-8257\n+1 202 555 0143\n\n555-1234y\n")
execute_process(COMMAND "${CALL_SCREEN}" "${WORK_DIR}/db" --now 1625702400
                INPUT_FILE "${WORK_DIR}/callers.txt"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "example_call_screen failed (${rc}):\n${out}\n${err}")
endif()
message(STATUS "example_call_screen:\n${out}${err}")

string(REPLACE "\n" ";" lines "${out}")
list(REMOVE_ITEM lines "")
list(LENGTH lines count)
if(NOT count EQUAL 3)
  message(FATAL_ERROR "expected 3 verdict lines (the blank line skipped), got ${count}:\n${out}")
endif()
list(GET lines 0 hit)
list(GET lines 1 miss)
list(GET lines 2 bad)
# Seven reports within a day, from seven area codes: likely scam.
if(NOT hit MATCHES "^\\(315\\) 232-8257\t\\+13152328257\tlevel=likely_scam\tscore=[0-9]+\treports=${expected_reports}\tcarrier=-$")
  message(FATAL_ERROR "reported number: unexpected verdict \"${hit}\" (expected likely_scam, reports=${expected_reports})")
endif()
if(NOT miss MATCHES "^\\+1 202 555 0143\t\\+12025550143\tlevel=clean\tscore=0\treports=0\tcarrier=-$")
  message(FATAL_ERROR "unreported number: unexpected verdict \"${miss}\"")
endif()
if(NOT bad MATCHES "^555-1234y\terror: cannot parse \"555-1234y\": ")
  message(FATAL_ERROR "malformed number: expected an error line, got \"${bad}\"")
endif()
if(NOT err MATCHES "3 calls \\(1 malformed\\) in [0-9.]+ s: [0-9]+ calls/s")
  message(FATAL_ERROR "example_call_screen: no calls-per-second summary on stderr:\n${err}")
endif()
