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

rm -rf Thresholds
swift package --allow-writing-to-package-directory benchmark thresholds update \
    --target SingleThread --target Contention --target Fairness --no-progress >/dev/null
python3 - <<'PYTHON'
import json
from pathlib import Path

malloc_gated = sorted(Path("Thresholds").glob("SingleThread.*.p90.json")) + sorted(Path("Thresholds").glob("Contention.*.p90.json"))
for path in malloc_gated:
    values = json.loads(path.read_text())
    path.write_text(json.dumps({"mallocCountTotal": values["mallocCountTotal"]}, indent=2, sort_keys=True) + "\n")
    if values["mallocCountTotal"] != 0:
        raise SystemExit(f"{path}: pick and release allocated ({values['mallocCountTotal']} mallocs); fix that first")
print(f"{len(list(Path('Thresholds').glob('*.p90.json')))} threshold files written to Benchmarks/Thresholds/")
PYTHON
