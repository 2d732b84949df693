#!/usr/bin/env bash
# Installs what building, running and testing the app needs on Debian/Ubuntu.
# Idempotent: only what is missing is installed, and it says what.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

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

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

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

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "deps: cargo install tauri-driver (2.x, for Tauri v2)"
  cargo install tauri-driver --version "^2" --locked
fi

if ! command -v cargo-deny >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo-deny" ]; then
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
