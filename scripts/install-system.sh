#!/usr/bin/env bash
# Installs the Debian packages MLForge's tests and tools need, only when missing.
# Toolchains: g++/make/python3 (node-gyp), arm-none-eabi-gcc + newlib (Cortex-M builds),
# qemu-system-arm (Cortex-M emulation), chromium (TFLite-in-browser and dashboard tests),
# redis-server (distributed runs), espeak-ng + sox (keyword-spotting synthesis), flatc.
# With --bench also the PyTorch yardstick: python3-torch and an optimised BLAS
# (without libopenblas0 Debian's torch falls back to netlib's reference BLAS,
# measured 20x slower on ae-fc, which would flatter MLForge).
set -euo pipefail
# Progress goes to stderr: `npm run bench` prints its JSON document on stdout after this.
exec >&2
want=(g++ make python3 gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm chromium redis-server espeak-ng sox flatbuffers-compiler)
[ "${1:-}" = --bench ] && want+=(python3-torch libopenblas0-openmp)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
