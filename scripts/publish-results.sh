#!/usr/bin/env bash
# Runs the published matrix and writes results/<date>-<machine>/: the Markdown tables, the raw
# JSON (lbbench.results/1) and CSV, both gzipped (the weights and per-server arrays of the
# 100,000-server cells make the JSON about 100 MB plain), the plots and an allocator
# comparison; then refreshes results/README.md, the index of every results folder.
#
# The matrix (about 4 minutes on a 2-core machine):
#   scaling:   every selector; 8, 64, 1,024, 16,384 and 100,000 servers; 1, 2 and 4 threads;
#              uniform durations; 0.5 s per cell; connections in flight 8 per server, capped at
#              16,384 (so that filling a 100,000-server linear scan takes seconds, not minutes);
#   workloads: every selector; 8, 64 and 1,024 servers; 1, 2 and 4 threads; every workload
#              (video at its own 3 servers weighted 2,1,1); 400,000 picks per cell;
#   allocator: every selector; 64 servers; 1 and 2 threads; uniform and mixed; three times
#              under the system allocator and three under jemalloc (LD_PRELOAD), alternating, to
#              show whether the figures depend on the allocator.
#
# The two kinds of cells are told apart in the published tables and plots (scripts/published_run.py).
#
# Usage: scripts/publish-results.sh                 measure and publish a new run
#        scripts/publish-results.sh --republish DIR re-render DIR's tables, plots and README from
#                                                   its results.json.gz (nothing is measured)
#
# Needs: the Swift toolchain; python3 with venv (matplotlib is installed into .venv/ when
# missing); libjemalloc-dev (installed with apt-get when missing). Set LBBENCH_MACHINE to name
# the machine folder (default: CPU model and core count).
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
source scripts/lib/results-folder.sh
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
started=$(date +%s)

step() { printf '\n==> %s\n' "$*" >&2; }

republish=""
case "${1:-}" in
    "") ;;
    --republish)
        # DIR as given from where the script was run; it must be a folder directly under results/.
        republish=""
        if [ $# -eq 2 ] && [ -n "$2" ]; then
            given=$2; [[ $given == /* ]] || given="$caller/$given"
            if [ -f "$given/results.json.gz" ] && [ "$(cd "$given/.." && pwd -P)" = "$(pwd -P)/results" ]; then
                republish="results/$(basename "$(cd "$given" && pwd -P)")"
            fi
        fi
        [ -n "$republish" ] || { echo "publish-results.sh: --republish '${2:-}': needs one folder under results/ holding results.json.gz" >&2; exit 64; } ;;
    *) echo "unknown option '$1' (usage: scripts/publish-results.sh [--republish DIR])" >&2; exit 64 ;;
esac

if [ -z "$republish" ]; then machine=$(machine_name publish-results.sh); fi
work=$(mktemp -d)
# A run that fails or is interrupted leaves no half-made results folder. The folder is made
# when the figures are in, new (never one already there, scripts/lib/results-folder.sh), so
# only this run's folder is ever removed.
completed=""
out=""
trap 'rm -rf "$work"; if [ -z "$completed" ] && [ -n "$out" ]; then rm -rf "$out"; fi' EXIT

step "release build"
swift build -c release --product lbbench >&2
lbbench=.build/release/lbbench

step "plotting environment"
if ! .venv/bin/python -c "import matplotlib" 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet matplotlib
fi

# The published Markdown (Findings, scaling cells, workload cells), the plots and the README pages
# of the run in folder $1, from its results.json.gz.
render() {
    .venv/bin/python scripts/published_run.py "$lbbench" "$1/results.json.gz" "$1/results.md"
    .venv/bin/python scripts/plot_results.py "$1/results.json.gz" "$1"
    .venv/bin/python scripts/refresh_results_readme.py results "$(basename "$1")"
}

if [ -n "$republish" ]; then
    step "re-rendering $republish from its results.json.gz"
    render "$republish"
    step "done in $(( $(date +%s) - started )) s: $republish (and results/README.md)"
    exit 0
fi

step "jemalloc"
jemalloc=$(scripts/jemalloc-path.sh)
# jemalloc prints its statistics at exit when asked: proof that LD_PRELOAD took effect.
jemalloc_stats=$(LD_PRELOAD="$jemalloc" MALLOC_CONF=stats_print:true "$lbbench" list 2>&1)
if ! grep -q "jemalloc statistics" <<<"$jemalloc_stats"; then
    echo "LD_PRELOAD=$jemalloc did not load jemalloc into lbbench" >&2
    exit 1
fi

step "scaling: 8 … 100,000 servers"
for servers in 8 64 1024 16384 100000; do
    concurrency=$(( servers * 8 < 16384 ? servers * 8 : 16384 ))
    "$lbbench" --selectors all --servers "$servers" --threads 1,2,4 --workloads uniform \
        --concurrency "$concurrency" --seconds 0.5 --format json --output "$work/scaling-$servers.json"
done

step "workloads: every workload at 8, 64 and 1,024 servers, video at its own 3"
"$lbbench" --selectors all --servers 8,64,1024 --threads 1,2,4 \
    --workloads uniform,exponential,mixed,heavy-tail,long-lived --picks 400000 \
    --format json --output "$work/workloads.json"
"$lbbench" --selectors all --threads 1,2,4 --workloads video --picks 400000 \
    --format json --output "$work/video.json"

step "allocator row: system malloc and jemalloc, alternating, 3 rounds each"
allocator_cells=(--selectors all --servers 64 --threads 1,2 --workloads uniform,mixed --picks 400000 --format json)
for round in 1 2 3; do
    "$lbbench" "${allocator_cells[@]}" --output "$work/allocator-system-$round.json"
    LD_PRELOAD="$jemalloc" "$lbbench" "${allocator_cells[@]}" --output "$work/allocator-jemalloc-$round.json"
done

out=$(new_folder "results/$(date -u +%Y-%m-%d)-$machine")
step "writing $out"
parts=("$work"/scaling-*.json "$work/workloads.json" "$work/video.json")
"$lbbench" report "${parts[@]}" --format json --output "$work/results.json"
gzip -9 -c "$work/results.json" > "$out/results.json.gz"
"$lbbench" report "${parts[@]}" --format csv --output "$work/results.csv"
gzip -9 -c "$work/results.csv" > "$out/results.csv.gz"
tar -C "$work" -czf "$out/allocator-runs.tar.gz" $(cd "$work" && ls allocator-*.json)
scripts/compare_allocators.py "$out/allocator.md" \
    --system "$work"/allocator-system-*.json --jemalloc "$work"/allocator-jemalloc-*.json
elapsed=$(( $(date +%s) - started ))
cells=$(.venv/bin/python -c "import json,sys; print(len(json.load(open(sys.argv[1]))['runs']))" "$work/results.json")
# The allocator runs' cells, counted: "6 × 32" when every run has as many.
allocator_cells=$(.venv/bin/python -c "
import json, sys
counts = [len(json.load(open(path))['runs']) for path in sys.argv[1:]]
print(f'{len(counts)} × {counts[0]}' if len(set(counts)) == 1 else ' + '.join(map(str, counts)))" "$work"/allocator-*.json)
cat > "$out/summary.txt" <<SUMMARY
$cells cells plus $allocator_cells allocator cells, measured by \`scripts/publish-results.sh\` in $elapsed s
(commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)). Scaling cells ran 0.5 s each with at most
16,384 connections in flight; workload cells 400,000 picks each. Lock-based selectors use the default lock (mutex).
SUMMARY
render "$out"
completed=1
step "done in $elapsed s: $out (and results/README.md)"
