#!/usr/bin/env bash
# The step benchmark on the gpu.js backend, on a Linux machine with an NVIDIA GPU.
# headless-gl renders through GLX on an X display; under Xvfb, glvnd hands GLX to the
# NVIDIA driver when __GLX_VENDOR_LIBRARY_NAME=nvidia (otherwise Mesa's llvmpipe, on the
# CPU, answers). The script prints which renderer answered before benchmarking, so a run
# that silently fell back to the CPU is obvious.
#   usage: bash bench/gpu.sh [extra benchmark options...]
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }
die() { printf 'bench/gpu.sh: %s\n' "$*" >&2; exit 1; }

[ -f bench/step.ts ] || die "bench/step.ts (the step benchmark behind 'npm run bench') is missing"

if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  say "GPU: $(nvidia-smi -L | head -1)"
  export __GLX_VENDOR_LIBRARY_NAME=nvidia
else
  say "no NVIDIA GPU visible (nvidia-smi): the numbers below are whatever GL Xvfb provides, likely llvmpipe on the CPU"
fi

# System packages: gl's build dependencies, the X server, and the GL dispatch libraries.
APT_PACKAGES=(build-essential python3 pkg-config libxi-dev libglu1-mesa-dev libglew-dev xvfb xauth libgl1-mesa-dri libglvnd0 libgl1 libglx0 mesa-utils)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || die "Node >= 20 is required (not found)"
if [ ! -f node_modules/gl/build/Release/webgl.node ]; then
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  [ -f "$node_prefix/include/node/node.h" ] && export npm_config_nodedir="$node_prefix"
  export JOBS=max  # node-gyp: make on every core
  say "npm ci (builds headless-gl, a few minutes)"
  npm ci --no-audit --no-fund
  [ -f node_modules/gl/build/Release/webgl.node ] || die "gl did not build: node_modules/gl/build/Release/webgl.node is missing"
fi

XVFB=(xvfb-run -a -s '-screen 0 1280x1024x24')

say "renderer (GLX on the Xvfb display: what headless-gl's ANGLE draws with)"
"${XVFB[@]}" sh -c 'glxinfo -B | grep -E "OpenGL (vendor|renderer) string" | sed "s/^/    /"'
if "${XVFB[@]}" sh -c 'glxinfo -B' 2>/dev/null | grep -qiE 'llvmpipe|softpipe'; then
  say "a software renderer answered: these numbers are the CPU's, not the GPU's"
fi
"${XVFB[@]}" npx tsx -e '
  const { createGpuContext } = require("./runtime/backends/gpujs/context");
  const c = createGpuContext();
  if (!c.ok) { console.error("bench/gpu.sh: " + c.reason); process.exit(1); }
  console.log("    gpu.js kernel class: " + c.kernelClass);
'

say "npm run bench -- --backend gpu $*"
"${XVFB[@]}" npm run bench -- --backend gpu "$@"
