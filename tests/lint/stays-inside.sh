#!/usr/bin/env bash
# Fails when a tracked file reads from outside the repository, since a user's
# clone has nothing beside it: a path that climbs three or more folders
# (`../../../x`; nothing here is nested so deep that it needs to), or one that
# names the `shared` folder that sits beside the checkout on the build machine.
# What the tests need lives in tests/fixtures/.
set -euo pipefail
cd "$(dirname "$0")/../.."

pattern='(\.\./){3,}|\.\./shared\b|\bshared/atlas-api\b|["'"'"']shared["'"'"']'
found=$(git ls-files -z -- ':!*.lock' ':!ui/package-lock.json' ':!tests/fixtures/**' \
    ':!*.png' ':!*.icns' ':!*.ico' ':!tests/lint/stays-inside.sh' \
  | xargs -0 grep -nIP "$pattern" || true)
if [ -n "$found" ]; then
  echo "These lines read outside the repository; copy what they need into tests/fixtures/:" >&2
  echo "$found" >&2
  exit 1
fi
echo "stays-inside: nothing reads outside the repository"
