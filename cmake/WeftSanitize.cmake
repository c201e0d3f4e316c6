# The clang configuration used by CI for the sanitizer test run and by scripts/fuzz.sh for the
# libFuzzer targets (fuzz/). One configure serves both, so CI builds the extra tree only once:
#
#   -DWEFT_SANITIZE=address,undefined   every target is compiled and linked with
#                                       -fsanitize=<list> -fno-sanitize-recover=all, so any
#                                       report fails the test that caused it
#   -DWEFT_FUZZ=ON                      adds -fsanitize=fuzzer-no-link (coverage for libFuzzer)
#                                       everywhere and builds the fuzz/ targets, which link
#                                       -fsanitize=fuzzer; requires clang
#   -DWEFT_FUZZ_CMP_HOOKS=OFF           fuzz/ targets link libFuzzer's runtime alone, without
#                                       its strcmp/memcmp interceptors (faster long runs)
#
# Both default to off, and a GCC build without them is unchanged. The flags are also kept in
# WEFT_SANITIZE_FLAGS so that tests building code outside this tree (tests/package) pass them on.
set(WEFT_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined (clang or GCC)")
option(WEFT_FUZZ "Build the libFuzzer targets in fuzz/ (clang only; implies coverage flags)" OFF)
# libFuzzer's interceptors report every strcmp/memcmp to the fuzzer. Without ASan (which has its
# own) they are linked only with this ON. OFF doubles fuzz_compiler's rate: libstdc++'s
# dynamic_cast, all through ANTLR's prediction, compares type names with strcmp, and the hook
# took 40% of the time. Long runs of a UBSan-only build use OFF (docs/reliability.md).
option(WEFT_FUZZ_CMP_HOOKS "Link libFuzzer's strcmp/memcmp interceptors into fuzz targets" ON)

set(WEFT_SANITIZE_FLAGS "")
if(WEFT_SANITIZE)
  list(APPEND WEFT_SANITIZE_FLAGS -fsanitize=${WEFT_SANITIZE} -fno-sanitize-recover=all
       -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Third-party code not to instrument, each entry with its reason.
    list(APPEND WEFT_SANITIZE_FLAGS
         -fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/sanitize_ignorelist.txt)
  endif()
endif()
if(WEFT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WEFT_FUZZ=ON needs clang (libFuzzer); configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-15 -DCMAKE_C_COMPILER=clang-15")
  endif()
  list(APPEND WEFT_SANITIZE_FLAGS -fsanitize=fuzzer-no-link)
endif()
if(WEFT_SANITIZE_FLAGS)
  # -O1 and line tables only, as OSS-Fuzz builds: instrumented code compiles and links much
  # faster than at -O2 -g, and stacks still name file and line. (After the build type's flags,
  # so these win.)
  add_compile_options(-O1 -gline-tables-only)
  add_compile_options(${WEFT_SANITIZE_FLAGS})
  add_link_options(${WEFT_SANITIZE_FLAGS})
endif()
