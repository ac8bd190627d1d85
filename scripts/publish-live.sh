#!/usr/bin/env bash
# Runs the default `lbbench-live` comparison (lbbench's proxy, HAProxy and nginx when
# installed; about 3 minutes) and publishes it under results/<date>-live-<machine>/: the
# Markdown report, lbbench.live/1 JSON, CSV and two plots. Extra arguments go to lbbench-live.
# Needs: the Swift toolchain; python3 with venv (matplotlib goes into .venv/ when missing);
# HAProxy and nginx from scripts/install-live-peers.sh for their rows.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bounded-run.sh
source scripts/lib/results-folder.sh
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
# The machine's name as scripts/publish-results.sh spells it (LBBENCH_MACHINE, checked first).
machine=$(machine_name publish-live.sh)
swift build -c release --product lbbench-live >/dev/null
# A run that fails or is interrupted leaves no half-made folder under results/; the folder is
# made new (never one that is already there), so only this run's folder is ever removed.
directory=""
published=""
trap 'if [ -n "$directory" ] && [ -z "$published" ]; then rm -rf "$directory"; fi' EXIT
directory=$(new_folder "results/$(date -u +%Y-%m-%d)-live-$machine")
# A hang is stopped after a day (SIGTERM first, so lbbench-live stops what it started); a run
# lbbench-live accepts lasts at most 30 minutes per group of rows (warm-up, window and drain
# each at most 600 s). Ctrl-C or a SIGTERM to this script stops the run too, and nothing is published.
bounded_run 86400 .build/release/lbbench-live "$@" --output-directory "$directory"
if ! .venv/bin/python -c "import matplotlib" 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet matplotlib
fi
.venv/bin/python scripts/plot_live.py "$directory/live.json" "$directory"
{
    echo "# lbbench live: $(basename "$directory")"
    echo
    echo "Made with \`scripts/publish-live.sh $*\` (commit $(git rev-parse --short HEAD)); raw data in"
    echo "[live.json](live.json) (\`lbbench.live/1\`, docs/live.md) and [live.csv](live.csv)."
    echo
    echo "![Short-request p99 by balancer and algorithm](short-p99.png)"
    echo
    echo "![Per-backend requests in flight ÷ weight](in-flight.png)"
    echo
    grep -v '^# ' "$directory/live.md"
} >"$directory/README.md"
.venv/bin/python scripts/refresh_results_readme.py results   # the index of every results folder
published=1
echo "published $directory"
