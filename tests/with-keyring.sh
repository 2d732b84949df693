#!/usr/bin/env bash
# Runs a command with a real Secret Service: a fresh GNOME Keyring, unlocked,
# inside the D-Bus session this script is started in (`dbus-run-session --`).
# The keyring lives in a temporary directory, so a developer's own login
# keyring is never touched.
set -euo pipefail

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "with-keyring.sh: no D-Bus session; run it as 'dbus-run-session -- $0 …'" >&2
  exit 2
fi

keyring_home=$(mktemp -d)
cleanup() {
  if [ -n "${keyring_pid:-}" ]; then kill "$keyring_pid" 2>/dev/null || true; fi
  rm -rf "$keyring_home"
}
trap cleanup EXIT

# The password only guards this throwaway keyring.
eval "$(printf 'e2e-keyring' | XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
keyring_pid=$(pgrep -n -f "gnome-keyring-daemon" || true)

"$@"
