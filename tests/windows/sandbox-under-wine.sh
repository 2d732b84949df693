#!/usr/bin/env bash
# The Windows build of atlas-sandbox, run under wine: what the API suite
# (tests/api) starts in place of the Linux binary in `make test-windows`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target="${CARGO_TARGET_DIR:-$here/../../target}"
exec "$here/wine-runner.sh" "$target/x86_64-pc-windows-gnu/debug/atlas-sandbox.exe" "$@"
