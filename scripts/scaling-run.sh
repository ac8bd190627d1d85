#!/usr/bin/env bash
# The many-core run anyone can reproduce: builds a static lbbench (no Swift toolchain needed
# where it runs), runs `lbbench run --matrix scaling` (every selector with every lock; 64 and
# 4,096 servers; 1, 2, 4, 8, 16 and 32 threads; uniform and mixed; 0.25 s a cell) and
# `lbbench check`, and writes a results folder:
#   scaling.json.gz  the raw results (lbbench.results/1, gzipped)
#   scaling.md       the harness tables
#   scaling.png      throughput and jainLoad against threads, one line per selector (+ lock),
#                    per workload and server count; threads beyond the machine's cores shaded
#   check.md         lbbench check
#   summary.txt      the command, the time it took, the commit
#   README.md        all of the above on one page, when the folder is under results/ and
#                    matplotlib is available (such folders are also listed in results/README.md)
#
# Usage:
#   scripts/scaling-run.sh [--binary PATH | --no-build] [--out DIR] [--skip-check] [-- RUN OPTIONS…]
#   scripts/scaling-run.sh --plot-only DIR
#
#   --binary PATH  run this lbbench (e.g. a static build copied to a machine without a toolchain)
#   --no-build     run the static build already in .build-static/release/lbbench
#   --out DIR      the results folder (default: results/<date>-<machine>-scaling)
#   --skip-check   do not run lbbench check
#   --plot-only DIR  only redraw DIR/scaling.png from DIR/scaling.json.gz (and refresh the README
#                  pages if DIR is under results/); needs neither lbbench nor a toolchain
#   RUN OPTIONS    passed to `lbbench run --matrix scaling`; they replace the matrix's dimensions,
#                  e.g. `-- --threads 1,2 --seconds 0.1` for a reduced run (summary.txt says so)
#
# The build: swift build -c release --product lbbench --static-swift-stdlib --scratch-path .build-static
# The plot needs python3 with matplotlib: .venv/ is used, and created with pip when missing; when
# that fails (no network), the data is still written and --plot-only draws it elsewhere.
# Set LBBENCH_MACHINE to name the machine in the folder name (default: CPU model and core count).
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
source scripts/lib/results-folder.sh
# A relative --binary, --out or --plot-only path is taken from where the script was run.
from_caller() { if [[ $1 == /* ]]; then printf '%s' "$1"; else printf '%s' "$caller/$1"; fi; }
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'scaling-run.sh: %s\n' "$*" >&2; exit 64; }

binary=""
build=true
out=""
check=true
plot_only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) [ $# -ge 2 ] || die "--binary needs a path"; binary=$(from_caller "$2"); build=false; shift 2 ;;
        --no-build) build=false; shift ;;
        --out) [ $# -ge 2 ] || die "--out needs a folder"; out=$(from_caller "$2"); shift 2 ;;
        --skip-check) check=false; shift ;;
        --plot-only) [ $# -ge 2 ] || die "--plot-only needs a folder"; plot_only=$(from_caller "$2"); shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help); lbbench run options go after --" ;;
    esac
done
run_options=("$@")

# A Python with matplotlib: .venv's, else the system's, else a fresh .venv; empty if none.
plotting_python() {
    if .venv/bin/python -c "import matplotlib" 2>/dev/null; then echo .venv/bin/python; return; fi
    if python3 -c "import matplotlib" 2>/dev/null; then echo python3; return; fi
    if python3 -m venv .venv >&2 && .venv/bin/pip install --quiet matplotlib >&2; then echo .venv/bin/python; fi
}

# Draws DIR/scaling.png and, for a folder under results/, writes its README and refreshes
# results/README.md.
plot_and_publish() {
    local dir=$1 python
    python=$(plotting_python)
    if [ -z "$python" ]; then
        echo "scaling-run.sh: no matplotlib (pip install matplotlib failed): data written, no plot;" \
             "draw it where pip works with: scripts/scaling-run.sh --plot-only $dir" >&2
        return 0
    fi
    "$python" scripts/plot_scaling.py "$dir/scaling.json.gz" "$dir/scaling.png"
    local parent
    parent=$(cd "$dir/.." && pwd -P)
    if [ "$parent" = "$(pwd -P)/results" ]; then
        "$python" scripts/refresh_results_readme.py results "$(basename "$dir")"
    fi
}

if [ -n "$plot_only" ]; then
    [ -f "$plot_only/scaling.json.gz" ] || die "--plot-only: no $plot_only/scaling.json.gz"
    plot_and_publish "$plot_only"
    step "done: $plot_only/scaling.png"
    exit 0
fi

started=$(date +%s)
# Without --out, the folder is made new when the run is done (never one already there,
# scripts/lib/results-folder.sh); LBBENCH_MACHINE is checked now, before any work.
default_out=""
if [ -z "$out" ]; then
    machine=$(machine_name scaling-run.sh)
    default_out="results/$(date -u +%Y-%m-%d)-$machine-scaling"
    out=$default_out
fi
[ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ] && [ -z "$default_out" ] && die "--out $out exists and is not empty"
if $build; then
    step "static release build (.build-static)"
    swift build -c release --product lbbench --static-swift-stdlib --scratch-path .build-static >&2
fi
lbbench=${binary:-.build-static/release/lbbench}
[ -x "$lbbench" ] || die "no executable lbbench at $lbbench (build it, or give --binary PATH)"
work=$(mktemp -d)
# A run that fails or is interrupted leaves no half-made folder it created (a folder that was
# already there is left).
created_out=""
completed=""
trap 'rm -rf "$work"; if [ -n "$created_out" ] && [ -z "$completed" ]; then rm -rf "$out"; fi' EXIT

step "lbbench run --matrix scaling ${run_options[*]}"
run_started=$(date +%s)
"$lbbench" run --matrix scaling "${run_options[@]}" --format json --output "$work/scaling.json"
run_seconds=$(( $(date +%s) - run_started ))
if [ -n "$default_out" ]; then
    out=$(new_folder "$default_out")
    created_out=1
else
    if [ ! -e "$out" ]; then created_out=1; fi
    mkdir -p "$out"
fi
gzip -9 -c "$work/scaling.json" > "$out/scaling.json.gz"
"$lbbench" report "$work/scaling.json" --format markdown --output "$out/scaling.md"

check_line="not run (--skip-check)"
if $check; then
    step "lbbench check"
    check_started=$(date +%s)
    check_status=0
    "$lbbench" check --output "$out/check.md" || check_status=$?
    case $check_status in
        0) check_line="every claim holds" ;;
        1) check_line="A CLAIM FAILED (exit 1)" ;;
        *) check_line="DID NOT RUN TO ITS VERDICT (exit $check_status; a crash, not a claim)" ;;
    esac
    check_line="$check_line ($(( $(date +%s) - check_started )) s): check.md"
fi

scope="the full scaling matrix"
if [ ${#run_options[@]} -gt 0 ]; then scope="a REDUCED scaling matrix (options: ${run_options[*]})"; fi
cat > "$out/summary.txt" <<SUMMARY
\`lbbench run --matrix scaling${run_options[*]:+ ${run_options[*]}}\`: $scope, measured by \`scripts/scaling-run.sh\` in $run_seconds s
(commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), binary $lbbench). lbbench check: $check_line.
SUMMARY

step "plot"
plot_and_publish "$out"
completed=1
step "done in $(( $(date +%s) - started )) s: $out"
if [ "${check_status:-0}" -gt 1 ]; then
    echo "scaling-run.sh: lbbench check exited $check_status (neither a pass nor a failed claim); the data is kept in $out" >&2
    exit 1
fi
