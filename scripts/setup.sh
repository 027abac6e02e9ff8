#!/usr/bin/env bash
# The one place that installs what vitopo needs, on a fresh Debian 12 machine.
# Idempotent: it checks before it installs, so a second run takes seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
third="$root/third_party"   # git-ignored: source packages live here, never in git

apt_packages=(
  build-essential cmake ninja-build git pkg-config
  emscripten node-acorn
  libeigen3-dev doctest-dev libhera-dev liblemon-dev libboost-dev robin-map-dev
  nlohmann-json3-dev libstb-dev
  libssl-dev zlib1g-dev
  ripser
  clang-14 libclang-rt-14-dev
  python3-numpy python3-scipy python3-gudhi python3-torch python3-onnx python3-pot python3-networkx python3-torchvision
  libopenblas0-serial dataset-fashion-mnist
  chromium
  fonts-roboto-unhinted
  dpkg-dev time
  ffmpeg
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# deb-src for bookworm, so that `apt-get source` finds imgui, libsdl2 and ripser.
src_list=/etc/apt/sources.list.d/vitopo-src.sources
need_update=0
if [ ! -f "$src_list" ]; then
  cat > "$src_list" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  need_update=1
fi

# Node.js and npm usually come with the machine (Node 20); Debian's only if absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Source packages, unpacked into the git-ignored third_party/.
mkdir -p "$third"
fetch_source() {  # name, directory glob that proves it's there
  local name="$1" glob="$2"
  if compgen -G "$third/$glob" >/dev/null; then return; fi
  echo "setup: fetching source package $name"
  (cd "$third" && apt-get source -q "$name" >/dev/null)
}
fetch_source imgui 'imgui-*/imgui.cpp'
fetch_source libsdl2 'libsdl2-*/src/SDL.c'
# ripser's Debian patch archive 404s (docs/toolchain.md): take the .orig tarball ourselves.
if [ ! -f "$third/ripser/ripser.cpp" ]; then
  echo "setup: fetching source package ripser"
  (cd "$third" && apt-get source --download-only -q ripser >/dev/null 2>&1 || true)
  tarball=$(ls "$third"/ripser_*.orig.tar.* | head -1)
  mkdir -p "$third/ripser"
  tar -xf "$tarball" -C "$third/ripser" --strip-components=1
fi
# Normalised names for the build.
ln -sfn "$(ls -d "$third"/imgui-*/ | grep -v '\.orig' | head -1)" "$third/imgui"
ln -sfn "$(ls -d "$third"/libsdl2-*/ | head -1)" "$third/sdl2"

# Web dependencies, from the committed lock file.
if [ -f "$root/package-lock.json" ]; then
  if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    (cd "$root" && npm ci --no-audit --no-fund)
  fi
fi
echo "setup: ok"
