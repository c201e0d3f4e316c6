# weft_flatbuffers_schema(TARGET SCHEMA...): generates C++ headers from .fbs schemas into the
# build tree and exposes them through an INTERFACE target. Generated files are never edited.
function(weft_flatbuffers_schema target)
  set(outputs)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
  foreach(schema ${ARGN})
    get_filename_component(abs ${schema} ABSOLUTE)
    get_filename_component(stem ${schema} NAME_WE)
    set(out ${out_dir}/${stem}_generated.h)
    add_custom_command(
      OUTPUT ${out}
      COMMAND flatbuffers::flatc --cpp --scoped-enums -o ${out_dir} -I ${CMAKE_SOURCE_DIR} ${abs}
      DEPENDS ${abs}
      COMMENT "flatc ${schema}")
    list(APPEND outputs ${out})
  endforeach()
  add_custom_target(${target}_gen DEPENDS ${outputs})
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_gen)
  target_include_directories(${target} INTERFACE ${out_dir})
  target_link_libraries(${target} INTERFACE weft_flatbuffers)
endfunction()
