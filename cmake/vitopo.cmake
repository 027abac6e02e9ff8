# Shared build settings for the native and the wasm build.

set(CMAKE_CXX_FLAGS_RELEASE "-O3 -DNDEBUG")

# em++ does not search /usr/include, and adding it whole would let glibc headers
# shadow Emscripten's. So each header-only library gets a folder of its own in
# the build tree that holds just a link to it (docs/toolchain.md).
set(VITOPO_SHIM "${CMAKE_BINARY_DIR}/include-shim")
file(MAKE_DIRECTORY "${VITOPO_SHIM}")
foreach(lib doctest nlohmann tsl hera boost stb lemon)
  if(EXISTS "/usr/include/${lib}")
    file(CREATE_LINK "/usr/include/${lib}" "${VITOPO_SHIM}/${lib}" SYMBOLIC)
  endif()
endforeach()

add_library(vitopo_third_party INTERFACE)
target_include_directories(vitopo_third_party SYSTEM INTERFACE "${VITOPO_SHIM}" /usr/include/eigen3)
# Hera's Wasserstein headers include their siblings by bare name ("hera_infinity.h").
if(EXISTS "/usr/include/hera/wasserstein")
  target_include_directories(vitopo_third_party SYSTEM INTERFACE "${VITOPO_SHIM}/hera/wasserstein")
endif()

add_library(vitopo_flags INTERFACE)
if(EMSCRIPTEN)
  # Exceptions must be on at compile and link time, or `throw` aborts.
  # -sUSE_SDL=0 keeps Emscripten's SDL 1 headers from shadowing SDL2's.
  target_compile_options(vitopo_flags INTERFACE -fexceptions -msimd128 -sUSE_SDL=0)
  target_link_options(vitopo_flags INTERFACE -fexceptions -sUSE_SDL=0 -sALLOW_MEMORY_GROWTH=1)
else()
  find_package(Threads REQUIRED)
  target_link_libraries(vitopo_flags INTERFACE Threads::Threads)
  target_compile_options(vitopo_flags INTERFACE -Wall -Wextra)
endif()

# vitopo_add_doctest(NAME src...) builds a doctest executable and registers it
# with ctest. In the wasm build it runs under node with the real file system
# (NODERAWFS), so native and wasm tests read the same fixture files.
function(vitopo_add_doctest name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE vitopo_core vitopo_third_party vitopo_flags)
  target_compile_definitions(${name} PRIVATE
    VITOPO_SOURCE_DIR="${CMAKE_SOURCE_DIR}" VITOPO_BINARY_DIR="${CMAKE_BINARY_DIR}")
  if(EMSCRIPTEN)
    # .cjs: a "type": "module" package.json above would break plain .js.
    set_target_properties(${name} PROPERTIES SUFFIX ".cjs")
    target_link_options(${name} PRIVATE -sNODERAWFS=1 -sEXIT_RUNTIME=1 -sTOTAL_STACK=4194304 -sINITIAL_MEMORY=64MB)
  endif()
  add_test(NAME ${name} COMMAND ${name})
endfunction()
