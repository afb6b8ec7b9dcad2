# Builds and runs a tiny program that uses numrep the way a downstream project would.
# MODE=installed: install numrep into a temporary prefix, then find_package(numrep).
# MODE=subdirectory: add_subdirectory(numrep) from the consumer's own CMakeLists.txt.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

set(common -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
if(MODE STREQUAL "installed")
  run(${CMAKE_COMMAND} ${common} -S "${NUMREP_SOURCE_DIR}" -B "${WORK_DIR}/numrep-build"
      -DNUMREP_BUILD_TESTS=OFF -DNUMREP_BUILD_BENCHMARKS=OFF -DNUMREP_BUILD_EXAMPLES=OFF
      -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix)
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/numrep-build")
  run(${CMAKE_COMMAND} ${common} -S "${NUMREP_SOURCE_DIR}/tests/cmake_consumer/installed"
      -B "${WORK_DIR}/build" -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
else()
  run(${CMAKE_COMMAND} ${common} -S "${NUMREP_SOURCE_DIR}/tests/cmake_consumer/subdirectory"
      -B "${WORK_DIR}/build" -DNUMREP_SOURCE_DIR=${NUMREP_SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
