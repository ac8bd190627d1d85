#!/usr/bin/env bash
# Rewrites Benchmarks/Thresholds/, the static thresholds `.ci/run` checks with
# `swift package benchmark thresholds check`. Run it when a change moves a gated metric on
# purpose (a new selector, a new workload, a changed tie rule), and commit the result.
#
# Only deterministic metrics are kept, so the check cannot flake on a noisy machine:
#   SingleThread: mallocCountTotal (0 for every row: pick and release allocate nothing);
#   Contention:   mallocCountTotal (0 for every row: nor do they with two threads at work);
#   Fairness:     jainLoadPermille, peakToMeanLoadPermille, leakedConnections (one-thread
#                 harness cells are the same on every run and every machine).
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

# The committed files are kept aside and put back when the update or the check below fails
# (no network, a row that traps, an allocation), so a failure never leaves Thresholds/ empty
# or half rewritten.
backup=$(mktemp -d "${TMPDIR:-/tmp}/lbbench-thresholds.XXXXXX")
updated=""
restore() {
    if [ -z "$updated" ] && [ -d "$backup/Thresholds" ]; then
        rm -rf Thresholds
        mv "$backup/Thresholds" Thresholds
        echo "update-benchmark-thresholds.sh: failed; Benchmarks/Thresholds/ is as it was" >&2
    fi
    rm -rf "$backup"
}
trap restore EXIT
if [ -d Thresholds ]; then cp -a Thresholds "$backup/Thresholds"; fi
rm -rf Thresholds
swift package --allow-writing-to-package-directory benchmark thresholds update \
    --target SingleThread --target Contention --target Fairness --no-progress >/dev/null
python3 - <<'PYTHON'
import json
from pathlib import Path

malloc_gated = sorted(Path("Thresholds").glob("SingleThread.*.p90.json")) + sorted(Path("Thresholds").glob("Contention.*.p90.json"))
values = {path: json.loads(path.read_text()) for path in malloc_gated}
# Every file is checked before any is rewritten.
for path, metrics in values.items():
    if metrics.get("mallocCountTotal") != 0:
        raise SystemExit(f"{path}: pick and release allocated ({metrics.get('mallocCountTotal')} mallocs); fix that first")
for path, metrics in values.items():
    path.write_text(json.dumps({"mallocCountTotal": metrics["mallocCountTotal"]}, indent=2, sort_keys=True) + "\n")
print(f"{len(list(Path('Thresholds').glob('*.p90.json')))} threshold files written to Benchmarks/Thresholds/")
PYTHON
updated=1
