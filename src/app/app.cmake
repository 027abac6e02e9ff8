# The page's app module (wasm build only): SDL2 and Dear ImGui built from the
# Debian source packages in third_party/, the views, the shaders, and the
# `vitopo_app.mjs` + `.wasm` ES module that web/ loads (docs/toolchain.md).
#
# The module is an ES6 factory, `createVitopoApp({canvas})`; the canvas must
# have id="canvas" (SDL's default selector). Exported C functions: _main,
# _malloc, _free, and every function marked EMSCRIPTEN_KEEPALIVE in
# src/app/bridge.cpp.

if(NOT EMSCRIPTEN)
  return()
endif()

set(VITOPO_SDL2_DIR "${VITOPO_THIRD_PARTY}/sdl2")
set(VITOPO_IMGUI_DIR "${VITOPO_THIRD_PARTY}/imgui")
if(NOT EXISTS "${VITOPO_SDL2_DIR}/src/SDL.c" OR NOT EXISTS "${VITOPO_IMGUI_DIR}/imgui.cpp")
  message(FATAL_ERROR "third_party/sdl2 or third_party/imgui is missing: run scripts/setup.sh, "
                      "or configure with -DVITOPO_BUILD_APP=OFF to build the wasm tests without the page")
endif()

# --- SDL2, compiled straight from its sources --------------------------------
# The file list of Emscripten's own sdl2 port, plus the files SDL 2.26 added
# since (SDL_list, SDL_guid, crc16, controller_type). Built once, as a static
# library of its own.
set(VITOPO_SDL2_SOURCES
  SDL.c SDL_assert.c SDL_dataqueue.c SDL_error.c SDL_hints.c SDL_log.c SDL_list.c SDL_guid.c
  atomic/SDL_atomic.c atomic/SDL_spinlock.c
  audio/SDL_audio.c audio/SDL_audiocvt.c audio/SDL_audiodev.c audio/SDL_audiotypecvt.c
  audio/SDL_mixer.c audio/SDL_wave.c audio/emscripten/SDL_emscriptenaudio.c
  audio/disk/SDL_diskaudio.c audio/dummy/SDL_dummyaudio.c
  cpuinfo/SDL_cpuinfo.c dynapi/SDL_dynapi.c
  events/SDL_clipboardevents.c events/SDL_displayevents.c events/SDL_dropevents.c
  events/SDL_events.c events/SDL_gesture.c events/SDL_keyboard.c events/SDL_mouse.c
  events/SDL_quit.c events/SDL_touch.c events/SDL_windowevents.c
  file/SDL_rwops.c haptic/SDL_haptic.c haptic/dummy/SDL_syshaptic.c
  joystick/SDL_gamecontroller.c joystick/SDL_joystick.c joystick/controller_type.c
  joystick/emscripten/SDL_sysjoystick.c
  power/SDL_power.c power/emscripten/SDL_syspower.c
  render/SDL_d3dmath.c render/SDL_render.c render/SDL_yuv_sw.c
  render/direct3d/SDL_render_d3d.c render/direct3d11/SDL_render_d3d11.c
  render/opengl/SDL_render_gl.c render/opengl/SDL_shaders_gl.c render/opengles/SDL_render_gles.c
  render/opengles2/SDL_render_gles2.c render/opengles2/SDL_shaders_gles2.c
  render/psp/SDL_render_psp.c render/software/SDL_blendfillrect.c render/software/SDL_blendline.c
  render/software/SDL_blendpoint.c render/software/SDL_drawline.c render/software/SDL_drawpoint.c
  render/software/SDL_render_sw.c render/software/SDL_rotate.c render/software/SDL_triangle.c
  sensor/SDL_sensor.c sensor/dummy/SDL_dummysensor.c
  stdlib/SDL_crc16.c stdlib/SDL_crc32.c stdlib/SDL_getenv.c stdlib/SDL_iconv.c stdlib/SDL_malloc.c
  stdlib/SDL_qsort.c stdlib/SDL_stdlib.c stdlib/SDL_string.c stdlib/SDL_strtokr.c
  thread/SDL_thread.c thread/generic/SDL_syscond.c thread/generic/SDL_sysmutex.c
  thread/generic/SDL_syssem.c thread/generic/SDL_systhread.c thread/generic/SDL_systls.c
  timer/SDL_timer.c timer/unix/SDL_systimer.c
  video/SDL_RLEaccel.c video/SDL_blit.c video/SDL_blit_0.c video/SDL_blit_1.c video/SDL_blit_A.c
  video/SDL_blit_N.c video/SDL_blit_auto.c video/SDL_blit_copy.c video/SDL_blit_slow.c
  video/SDL_bmp.c video/SDL_clipboard.c video/SDL_egl.c video/SDL_fillrect.c video/SDL_pixels.c
  video/SDL_rect.c video/SDL_shape.c video/SDL_stretch.c video/SDL_surface.c video/SDL_video.c
  video/SDL_yuv.c video/yuv2rgb/yuv_rgb.c
  video/emscripten/SDL_emscriptenevents.c video/emscripten/SDL_emscriptenframebuffer.c
  video/emscripten/SDL_emscriptenmouse.c video/emscripten/SDL_emscriptenopengles.c
  video/emscripten/SDL_emscriptenvideo.c
  video/dummy/SDL_nullevents.c video/dummy/SDL_nullframebuffer.c video/dummy/SDL_nullvideo.c
  loadso/dlopen/SDL_sysloadso.c filesystem/emscripten/SDL_sysfilesystem.c
  main/dummy/SDL_dummy_main.c locale/SDL_locale.c locale/emscripten/SDL_syslocale.c
  misc/SDL_url.c misc/dummy/SDL_sysurl.c)
list(TRANSFORM VITOPO_SDL2_SOURCES PREPEND "${VITOPO_SDL2_DIR}/src/")
add_library(vitopo_sdl2 STATIC ${VITOPO_SDL2_SOURCES})
target_include_directories(vitopo_sdl2 SYSTEM PUBLIC "${VITOPO_SDL2_DIR}/include")
target_compile_options(vitopo_sdl2 PRIVATE -O2 -w)
target_compile_options(vitopo_sdl2 PUBLIC -sUSE_SDL=0)
target_link_options(vitopo_sdl2 PUBLIC -sUSE_SDL=0)

# --- Dear ImGui 1.86 with its SDL2 and OpenGL ES 3 (WebGL2) backends ----------
add_library(vitopo_imgui STATIC
  "${VITOPO_IMGUI_DIR}/imgui.cpp" "${VITOPO_IMGUI_DIR}/imgui_draw.cpp"
  "${VITOPO_IMGUI_DIR}/imgui_tables.cpp" "${VITOPO_IMGUI_DIR}/imgui_widgets.cpp"
  "${VITOPO_IMGUI_DIR}/backends/imgui_impl_sdl.cpp" "${VITOPO_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp")
target_include_directories(vitopo_imgui SYSTEM PUBLIC "${VITOPO_IMGUI_DIR}" "${VITOPO_IMGUI_DIR}/backends")
target_compile_definitions(vitopo_imgui PUBLIC IMGUI_IMPL_OPENGL_ES3 IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
target_compile_options(vitopo_imgui PRIVATE -O2 -w)
target_link_libraries(vitopo_imgui PUBLIC vitopo_sdl2)

# --- shaders/*.vert|frag embedded as string constants -------------------------
file(GLOB VITOPO_SHADER_FILES CONFIGURE_DEPENDS
  "${CMAKE_SOURCE_DIR}/shaders/*.vert" "${CMAKE_SOURCE_DIR}/shaders/*.frag")
set(VITOPO_SHADER_HEADER "${CMAKE_CURRENT_BINARY_DIR}/generated/shader_sources.hpp")
string(REPLACE ";" "|" VITOPO_SHADER_LIST "${VITOPO_SHADER_FILES}")  # one shell word
add_custom_command(
  OUTPUT "${VITOPO_SHADER_HEADER}"
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${VITOPO_SHADER_HEADER}" "-DSHADERS=${VITOPO_SHADER_LIST}"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/render/embed_shaders.cmake"
  DEPENDS ${VITOPO_SHADER_FILES} "${CMAKE_CURRENT_SOURCE_DIR}/render/embed_shaders.cmake"
  COMMENT "Embedding GLSL shaders"
  VERBATIM)

# --- the UI font: the first that exists, at build time ------------------------
set(VITOPO_UI_FONT "")
foreach(font
    /usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf
    /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)
  if(EXISTS "${font}" AND VITOPO_UI_FONT STREQUAL "")
    set(VITOPO_UI_FONT "${font}")
  endif()
endforeach()

# --- the app ------------------------------------------------------------------
file(GLOB VITOPO_APP_SOURCES CONFIGURE_DEPENDS
  "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp" "${CMAKE_CURRENT_SOURCE_DIR}/render/*.cpp")
add_executable(vitopo_app ${VITOPO_APP_SOURCES} "${VITOPO_SHADER_HEADER}")
set_target_properties(vitopo_app PROPERTIES OUTPUT_NAME vitopo_app SUFFIX ".mjs")
target_include_directories(vitopo_app PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/generated")
target_link_libraries(vitopo_app PRIVATE vitopo_app_state vitopo_core vitopo_imgui vitopo_flags)
target_link_options(vitopo_app PRIVATE
  -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2 -sALLOW_MEMORY_GROWTH=1 -fexceptions
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createVitopoApp -sENVIRONMENT=web
  "-sEXPORTED_FUNCTIONS=_main,_malloc,_free"
  "-sEXPORTED_RUNTIME_METHODS=ccall,cwrap,HEAP8,HEAPU8,HEAP32,HEAPU32,HEAPF32,HEAPF64,UTF8ToString,stringToUTF8,lengthBytesUTF8")
if(NOT VITOPO_UI_FONT STREQUAL "")
  target_compile_definitions(vitopo_app PRIVATE VITOPO_UI_FONT_PATH="/fonts/ui.ttf")
  target_link_options(vitopo_app PRIVATE "--embed-file=${VITOPO_UI_FONT}@/fonts/ui.ttf")
  set_property(TARGET vitopo_app APPEND PROPERTY LINK_DEPENDS "${VITOPO_UI_FONT}")
endif()
