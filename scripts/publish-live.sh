#!/usr/bin/env bash
# Runs the default `lbbench-live` comparison (lbbench's proxy, HAProxy and nginx when
# installed; about 3 minutes) and publishes it under results/<date>-live-<machine>/: the
# Markdown report, lbbench.live/1 JSON, CSV and two plots. Extra arguments go to lbbench-live.
# Needs: the Swift toolchain; python3 with venv (matplotlib goes into .venv/ when missing);
# HAProxy and nginx from scripts/install-live-peers.sh for their rows.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
swift build -c release --product lbbench-live >/dev/null
# The machine's name as scripts/publish-results.sh spells it.
cpu=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)
machine=${LBBENCH_MACHINE:-$(echo "$cpu $(nproc)cores" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//')}
directory="results/$(date -u +%Y-%m-%d)-live-$machine"
if [ -e "$directory" ]; then directory="$directory-$(date -u +%H%M)"; fi
mkdir -p "$directory"
# A run that fails or is interrupted leaves no half-made folder under results/.
published=""
trap 'if [ -z "$published" ]; then rm -rf "$directory"; fi' EXIT
# A hang is stopped after a day (SIGTERM first, so lbbench-live stops what it started); a run
# lbbench-live accepts lasts at most 30 minutes per group of rows (warm-up, window and drain
# each at most 600 s).
timeout --signal=TERM --kill-after=15 86400 .build/release/lbbench-live "$@" --output-directory "$directory"
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
