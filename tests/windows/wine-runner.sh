#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (.cargo/config.toml): runs a
# Windows program under wine, in a prefix of the project's own under target/,
# so a developer's own wine setup is never touched.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export WINEPREFIX="${AAM_WINEPREFIX:-$root/target/wine-prefix}"
export WINEDEBUG="${WINEDEBUG:--all}"
# No Mono or Gecko: the prefix is made without asking to download them.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"

shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -f "$shim" ]; then
  mkdir -p "$(dirname "$WINEPREFIX")"
  wineboot --init >/dev/null 2>&1 || true
  wineserver --wait
  here="$root/tests/windows"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$shim.tmp" \
    "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
  mv "$shim.tmp" "$shim"
fi
# Cargo runs test binaries from deps/ and copies WebView2Loader.dll, which
# the app's binaries load, one folder up: wine looks there too.
profile_dir=$(cd "$(dirname "$1")/.." && pwd)
export WINEPATH="Z:${profile_dir//\//\\}${WINEPATH:+;$WINEPATH}"
exec wine "$@"
