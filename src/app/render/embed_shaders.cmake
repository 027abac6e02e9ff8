# cmake -DOUTPUT=header -DSHADERS="a.vert|b.frag" -P embed_shaders.cmake
# Writes one `inline constexpr const char* <name>_<stage>` per GLSL file,
# e.g. shaders/heatmap.frag -> vitopo::shaders::heatmap_frag.
set(text "// Generated from shaders/ by src/app/render/embed_shaders.cmake. Do not edit.\n#pragma once\n\nnamespace vitopo::shaders {\n")
string(REPLACE "|" ";" SHADERS "${SHADERS}")
foreach(file ${SHADERS})
  get_filename_component(stem "${file}" NAME_WE)
  get_filename_component(ext "${file}" LAST_EXT)
  string(SUBSTRING "${ext}" 1 -1 stage)
  file(READ "${file}" source)
  string(APPEND text "\ninline constexpr const char* ${stem}_${stage} = R\"glsl(${source})glsl\";\n")
endforeach()
string(APPEND text "\n}  // namespace vitopo::shaders\n")
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
