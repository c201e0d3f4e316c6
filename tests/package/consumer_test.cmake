# Script run by CTest (cmake -P): install, then build and run tests/package/consumer against
# the installed package only.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
# CONSUMER_FLAGS: the sanitizer flags of this build (a ;-list, empty in a plain build).
string(REPLACE ";" " " consumer_flags "${CONSUMER_FLAGS}")
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/build -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix} -DWEFT_EXAMPLE_SOURCE=${SOURCE_DIR}/examples/embed/embed_example.cc
    -DCMAKE_CXX_COMPILER=${CONSUMER_CXX_COMPILER} "-DCMAKE_CXX_FLAGS=${consumer_flags}"
    "-DCMAKE_EXE_LINKER_FLAGS=${consumer_flags}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${prefix}/lib ${WORK_DIR}/build/consumer
    ${SOURCE_DIR}/examples/shipping.wf)
message(STATUS "consumer output:\n${last_output}")
if(NOT last_output MATCHES "tracking")
  message(FATAL_ERROR "the consumer did not print a shipping result")
endif()
