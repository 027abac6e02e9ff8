# Sourced by the benchmarks' scripts: builds what they run, in this checkout
# ($root), quietly. build_site: the page (preset wasm, target vitopo_site, in
# build/wasm/site); build_cli: `vitopo` (preset native, in build/native).
export NODE_PATH=/usr/share/nodejs
build_site() {
  (cd "$root" && cmake --preset wasm >/dev/null && nice cmake --build --preset wasm -j2 --target vitopo_site >/dev/null)
}
build_cli() {
  (cd "$root" && cmake --preset native >/dev/null && nice cmake --build --preset native -j2 --target vitopo >/dev/null)
}
