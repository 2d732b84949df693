#!/usr/bin/env bash
# The sandbox's command line (clap) belongs to its own binary: the desktop
# app, which runs the sandbox in-process, must not compile it in.
set -euo pipefail
cd "$(dirname "$0")/../.."
tree=$(cargo tree -p atlas-access-manager -e normal,build --locked --prefix none --format '{p}')
if grep -q '^clap ' <<<"$tree"; then
  echo "clap is compiled into the desktop app; take atlas-sandbox without its \"cli\" feature:" >&2
  cargo tree -p atlas-access-manager -e normal,build --locked -i clap >&2
  exit 1
fi
echo "the desktop app compiles without clap"
