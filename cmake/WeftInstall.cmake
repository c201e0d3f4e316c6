# The installable package: one shared library, libweft.so, holding the whole engine, plus the
# public headers in include/weft/ and a CMake config so that `find_package(weft)` followed by
# `target_link_libraries(app PRIVATE weft::weft)` works. The internal static libraries are
# linked into it and never installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

add_library(weft_shared SHARED ${CMAKE_SOURCE_DIR}/engine/version.cc)
set_target_properties(weft_shared PROPERTIES OUTPUT_NAME weft EXPORT_NAME weft
                      VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
target_compile_definitions(weft_shared PRIVATE WEFT_VERSION="${PROJECT_VERSION}")
target_include_directories(weft_shared PUBLIC
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# Whole archives: the public API's definitions must all be in the library, whether or not the
# engine itself calls them (Value::ToPrettyJson, CommandWorker, ...).
# (CMake's WHOLE_ARCHIVE link feature refuses libraries that also arrive transitively, so the
# flags are spelled out; the plain target names after them bring the transitive dependencies.)
set(weft_whole weft_engine weft_value weft_command_worker)
set(weft_whole_files)
foreach(lib ${weft_whole})
  list(APPEND weft_whole_files $<TARGET_FILE:${lib}>)
endforeach()
add_dependencies(weft_shared ${weft_whole})
target_link_libraries(weft_shared
  PRIVATE -Wl,--whole-archive ${weft_whole_files} -Wl,--no-whole-archive ${weft_whole}
  PUBLIC absl::status absl::statusor absl::time)

install(TARGETS weft_shared EXPORT weftTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/weft DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT weftTargets NAMESPACE weft:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/weftConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/weftConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/weftConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/weftConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/weftConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
if(TARGET weft)
  install(TARGETS weft RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})  # the CLI
endif()
