#!/usr/bin/env bash
# Reads the tally the sandbox keeps when AAM_CONTRACT_TALLY names a file (one
# line per request it checked against the spec: suite, operation, verdict)
# and prints, suite by suite, how many requests were checked and refused.
# Fails if the spec refused any request the app's own client sent: only the
# sandbox's suites send refused requests on purpose.
set -euo pipefail
tally=${1:?the tally file}
exec python3 - "$tally" <<'PY'
import collections, sys
checked, refused, bad = collections.Counter(), collections.Counter(), collections.Counter()
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
except FileNotFoundError:
    lines = []
if not lines:
    sys.exit(f"contract tally: no request was checked ({sys.argv[1]} is empty or missing)")
for line in lines:
    suite, operation, verdict = (line.split("\t") + ["", ""])[:3]
    checked[suite] += 1
    if verdict != "ok":
        refused[suite] += 1
        if not suite.startswith("atlas-sandbox/"):
            bad[(suite, operation, verdict)] += 1
print(f"{'suite (package/test)':44} {'checked':>9} {'refused':>8}")
for suite in sorted(checked):
    print(f"{suite:44} {checked[suite]:9} {refused[suite]:8}")
print(f"{'all':44} {sum(checked.values()):9} {sum(refused.values()):8}")
for (suite, operation, verdict), count in sorted(bad.items()):
    print(f"refused by the spec: {suite} {operation}: {verdict} ({count}x)", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
