# pxekit_layer(TARGET LAYER SOURCE...): an OBJECT library for one layer of the
# library (codec: bytes <-> structs; policy: pure decisions) and a check, run
# when its objects change, that fails the build when one of them calls I/O or
# reads the clock (cmake/check_layers.sh names the file and the calls).
# Targets that link the layer's objects must depend on TARGET_check.
set(PXEKIT_LAYER_CHECK ${CMAKE_CURRENT_LIST_DIR}/check_layers.sh)
function(pxekit_layer target layer)
  add_library(${target} OBJECT ${ARGN})
  set(stamp ${CMAKE_BINARY_DIR}/layers/${target}.ok)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/layers
    COMMAND sh ${PXEKIT_LAYER_CHECK} ${layer} ${stamp} $<TARGET_OBJECTS:${target}>
    DEPENDS $<TARGET_OBJECTS:${target}> ${PXEKIT_LAYER_CHECK}
    COMMENT "Checking that the ${layer} layer (${target}) does no I/O and reads no clock"
    COMMAND_EXPAND_LISTS VERBATIM)
  add_custom_target(${target}_check ALL DEPENDS ${stamp})
  add_dependencies(${target}_check ${target})
endfunction()
