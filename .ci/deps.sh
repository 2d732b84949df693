#!/usr/bin/env bash
# Installs what building, running and testing the app needs on Debian/Ubuntu.
# Idempotent: only what is missing is installed, and it says what.
#
#   .ci/deps.sh            what `make run` and `make test` need
#   .ci/deps.sh windows    and what the Windows build and its tests need:
#                          mingw-w64, the Rust target, wine and NSIS
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Installs the Debian packages of "$@" that are not installed yet.
apt_install_missing() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "deps: installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

if [ "${1:-}" = windows ]; then
  # mingw-w64 links the .exe and compiles the C in its crates; wine runs the
  # Windows test binaries and the sandbox; nsis makes the installer.
  apt_install_missing gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine wine64 nsis
  if ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    echo "deps: rustup target add x86_64-pc-windows-gnu"
    rustup target add x86_64-pc-windows-gnu
  fi
  exit 0
fi

APT_PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libssl-dev libdbus-1-dev libxdo-dev
  webkit2gtk-driver xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools xclip
  xdotool       # the e2e flows type a path into the system's save dialog
  imagemagick   # `import` takes the e2e screenshots from the X server
  desktop-file-utils appstream rpm   # the package test validates and reads the bundles
  python3 python3-venv python3-pip
)

apt_install_missing "${APT_PACKAGES[@]}"

if ! command -v node >/dev/null 2>&1; then
  echo "deps: installing Node.js and npm"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
fi

# npm ci only when the lock file changed since the last install.
if [ -f ui/package-lock.json ]; then
  stamp=ui/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ ui/package-lock.json -nt "$stamp" ]; then
    echo "deps: npm ci in ui/"
    # The lock lists @tauri-apps/cli's binary for every platform (optional
    # dependencies), so `npm ci` takes it as it is on any of them.
    (cd ui && npm ci --no-audit --no-fund)
  fi
fi

# Every platform's crates, not only this machine's: `cargo deny` reads the
# whole graph and `make windows` builds the Windows one, both offline.
cargo fetch --locked --quiet

# Where `cargo install` puts programs.
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$cargo_bin/tauri-driver" ]; then
  echo "deps: cargo install tauri-driver (2.x, for Tauri v2)"
  cargo install tauri-driver --version "^2" --locked
fi

if ! command -v cargo-deny >/dev/null 2>&1 && [ ! -x "$cargo_bin/cargo-deny" ]; then
  echo "deps: cargo install cargo-deny (licences, duplicates and sources in make lint)"
  cargo install cargo-deny --version "^0.20" --locked
fi

# Python tools of the API suites (curl/requests clients, schemathesis), in a
# project virtualenv so the system Python is left alone.
requirements=tests/api/requirements.txt
if [ ! -x .venv/bin/python ]; then
  echo "deps: python3 -m venv .venv"
  python3 -m venv .venv
fi
stamp=.venv/.requirements-installed
if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ]; then
  echo "deps: pip install -r $requirements"
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi
