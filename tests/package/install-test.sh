#!/usr/bin/env bash
# The .deb as a user gets it: installed with dpkg, its files and metadata
# checked, the installed binary put through the e2e shell test, then purged,
# and the machine checked to be as it was. The .rpm's contents and
# requirements are read with rpm. Run by `make test-package` after
# `make package`; it refuses to run where the package is installed already,
# so a user's own copy is never touched.
set -euo pipefail
cd "$(dirname "$0")/../.."

package=atlas-access-manager
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
desktop_file="/usr/share/applications/Atlas Access Manager.desktop"
metainfo=/usr/share/metainfo/io.github.atlas-access-manager.metainfo.xml
icon_sizes=(16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512)
in_session=(xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- tests/with-keyring.sh)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

fail() {
  echo "package test: $*" >&2
  exit 1
}

shopt -s nullglob
debs=(target/release/bundle/deb/*_"${version}"_*.deb)
rpms=(target/release/bundle/rpm/*-"${version}"-*.rpm)
shopt -u nullglob
[ "${#debs[@]}" -eq 1 ] || fail "expected one .deb of version $version, found ${#debs[@]}: run make package"
[ "${#rpms[@]}" -eq 1 ] || fail "expected one .rpm of version $version, found ${#rpms[@]}: run make package"
deb=${debs[0]}
rpm_file=${rpms[0]}

if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "installed"; then
  fail "$package is installed on this machine already; this test installs and removes it, so it leaves it alone"
fi

echo "package test: $deb"
[ "$(dpkg-deb -f "$deb" Package)" = "$package" ] || fail "the package is not named $package"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libwebkit2gtk-4.1-0 libgtk-3-0 libdbus-1-3; do
  [[ "$depends" == *"$needed"* ]] || fail "Depends lacks $needed: $depends"
done

# What the package may touch, and the user's own folders the app may use,
# before: compared after the purge.
system_paths=(/usr/bin /usr/share/applications /usr/share/icons/hicolor /usr/share/metainfo)
snapshot() {
  find "${system_paths[@]}" -xdev 2>/dev/null | sort
  for home_dir in "$HOME/.config" "$HOME/.local/share" "$HOME/.cache"; do
    ls -d "$home_dir"/atlas-access-manager "$home_dir"/io.github.atlas-access-manager 2>/dev/null || true
  done
}
workdir=$(mktemp -d)
snapshot >"$workdir/before"

purge() { $SUDO dpkg --purge "$package" >/dev/null 2>&1 || true; }
trap 'purge; rm -rf "$workdir"' EXIT

$SUDO dpkg -i "$deb" || fail "dpkg -i failed (are its dependencies installed?)"

dpkg -L "$package" >"$workdir/files"
expected=(/usr/bin/atlas-access-manager "$desktop_file" "$metainfo")
for size in "${icon_sizes[@]}"; do
  expected+=("/usr/share/icons/hicolor/$size/apps/atlas-access-manager.png")
done
for path in "${expected[@]}"; do
  grep -qxF "$path" "$workdir/files" || fail "dpkg -L does not list $path"
  [ -e "$path" ] || fail "$path is listed but not installed"
done

# Nothing it installs runs as another user or can be changed by anyone:
# no setuid or setgid file, nothing writable by others (links aside).
risky=$(xargs -d '\n' -a "$workdir/files" sh -c \
  'find "$@" -maxdepth 0 ! -type l \( -perm -4000 -o -perm -2000 -o -perm -0002 \) -print' _) ||
  fail "the modes of the installed files could not be read"
[ -z "$risky" ] || fail "setuid, setgid or world-writable: $risky"

desktop-file-validate "$desktop_file" || fail "desktop-file-validate refused $desktop_file"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli refused $metainfo"
launchable=$(sed -n 's:.*<launchable type="desktop-id">\(.*\)</launchable>.*:\1:p' "$metainfo")
[ "/usr/share/applications/$launchable" = "$desktop_file" ] ||
  fail "the metainfo launches $launchable, the package has $desktop_file"
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo has no release $version"

printed=$(/usr/bin/atlas-access-manager --version)
[ "$printed" = "Atlas Access Manager $version" ] || fail "--version printed '$printed'"

echo "package test: the shell test against /usr/bin/atlas-access-manager"
# With the sandbox's developer settings set: the shipped build ignores them,
# so the shell test still finds the demo organization, its keys listed.
AAM_SANDBOX_SEED=empty AAM_SANDBOX_FAULTS=500@GET:/apiKeys=1000 \
  AAM_APP_BINARY=/usr/bin/atlas-access-manager "${in_session[@]}" \
  cargo test -p e2e --test shell --locked -q

$SUDO dpkg --purge "$package" >/dev/null
trap 'rm -rf "$workdir"' EXIT
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "installed"; then
  fail "$package is still installed after the purge"
fi
snapshot >"$workdir/after"
if ! diff -u "$workdir/before" "$workdir/after"; then
  fail "the machine is not as it was before the install (above)"
fi

echo "package test: $rpm_file"
rpm -qp --qf '%{NAME} %{VERSION}\n' "$rpm_file" 2>/dev/null | grep -qx "$package $version" ||
  fail "the .rpm is not $package $version"
rpm -qpl "$rpm_file" 2>/dev/null >"$workdir/rpm-files"
for path in "${expected[@]}"; do
  grep -qxF "$path" "$workdir/rpm-files" || fail "the .rpm does not hold $path"
done
requires=$(rpm -qpR "$rpm_file" 2>/dev/null)
for needed in "libwebkit2gtk-4.1.so.0" "libgtk-3.so.0" dbus-libs; do
  [[ "$requires" == *"$needed"* ]] || fail "the .rpm does not require $needed: $requires"
done

echo "package test: passed (installed, checked, run, removed; the .rpm read)"
