# ecom_embed_files(<target> NAMESPACE <ns> FILES <f>...)
# Generates a source file with every file's bytes as a string_view, so a
# binary carries its SQL migrations and needs no files at run time.
function(ecom_embed_files target)
  cmake_parse_arguments(ARG "" "NAMESPACE" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ARG_NAMESPACE} "-DFILES=${ARG_FILES}"
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    DEPENDS ${ARG_FILES} "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    COMMENT "Embedding files into ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
