# pxekit_layer(TARGET LAYER SOURCE...): an OBJECT library for one layer of the
# library (codec: bytes <-> structs; policy: pure decisions) and a check, run
# when its objects change, that fails the build when one of them calls I/O or
# reads the clock, or #includes a header of sockets, files, processes or the
# clock or one of the headers in PXEKIT_LAYER_IO_HEADERS (the io layer's, as
# they are #included: "net/udp_socket.h"); cmake/check_layers.sh names the
# file and the call or header. The includes are read from the dependency file
# the compiler writes beside each object (OBJECT.d).
# Targets that link the layer's objects must depend on TARGET_check.
set(PXEKIT_LAYER_CHECK ${CMAKE_CURRENT_LIST_DIR}/check_layers.sh)
function(pxekit_layer target layer)
  add_library(${target} OBJECT ${ARGN})
  set(stamp ${CMAKE_BINARY_DIR}/layers/${target}.ok)
  # Written only when the list changes, so that a change reruns the check.
  set(io_headers ${CMAKE_BINARY_DIR}/layers/${target}.io_headers)
  list(JOIN PXEKIT_LAYER_IO_HEADERS "\n" io_list)
  file(GENERATE OUTPUT ${io_headers} CONTENT "${io_list}\n")
  # The depfiles' relative paths are relative to where the compiler ran: this
  # directory, with the Makefile and the Ninja generators alike, as long as
  # the layer is declared in the top-level CMakeLists.txt.
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/layers
    COMMAND sh ${PXEKIT_LAYER_CHECK} ${layer} ${stamp} ${CMAKE_SOURCE_DIR} ${io_headers}
      $<TARGET_OBJECTS:${target}>
    DEPENDS $<TARGET_OBJECTS:${target}> ${PXEKIT_LAYER_CHECK} ${io_headers}
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
    COMMENT "Checking that the ${layer} layer (${target}) does no I/O and reads no clock"
    COMMAND_EXPAND_LISTS VERBATIM)
  add_custom_target(${target}_check ALL DEPENDS ${stamp})
  add_dependencies(${target}_check ${target})
endfunction()
