#!/usr/bin/env bash
# How often does `lbbench check` fail when nothing is wrong? Runs the release `lbbench check` N
# times while a CPU and memory-bandwidth hog (scripts/memory-hog.c, a read-modify-write stream
# over a 256 MiB buffer) runs pinned to the last core, and reports how many runs failed and
# which claims. With --inject, runs the check once per injected regression instead (same hog)
# and reports whether each was caught: the check exited 1 and every claim the regression
# targets failed.
#
#   scripts/check-false-failures.sh [-n N] [--inject] [--no-hog]
#     -n N      loaded runs (30 to 1000; default 30). About 10–15 s each here.
#     --inject  one run per regression `lbbench check --list-regressions` names (p2c-scan, buckets-scan,
#               min-heap-scan, round-robin-slow).
#     --no-hog  no hog (for comparison).
# Exit status: 0 when no run failed (or every regression was caught), 1 otherwise, 64 for bad
# input. The hog is stopped by its PID on every exit, Ctrl-C included; should it die during the
# runs, the script stops there (exit 1) instead of counting unloaded runs as loaded. Each check
# run is bounded by `timeout` (5 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bounded-run.sh
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

runs=30
inject=false
hog=true
while [ $# -gt 0 ]; do
    case "$1" in
        -n)
            # At most 4 digits before the numeric test: a longer number would overflow `[`/$(( )).
            if [ $# -lt 2 ] || ! [[ "$2" =~ ^[0-9]{1,4}$ ]] || (( 10#$2 < 30 || 10#$2 > 1000 )); then
                echo "check-false-failures: -n ${2:-(missing)}: must be a whole number from 30 to 1000" >&2
                exit 64
            fi
            runs=$((10#$2)); shift 2 ;;
        --inject) inject=true; shift ;;
        --no-hog) hog=false; shift ;;
        *) echo "check-false-failures: unknown argument '$1' (use -n N, --inject, --no-hog)" >&2; exit 64 ;;
    esac
done

work=$(mktemp -d)
hog_pid=""
stop() {
    if [ -n "$hog_pid" ]; then kill "$hog_pid" 2>/dev/null || true; wait "$hog_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

swift build -c release --product lbbench >/dev/null
lbbench=.build/release/lbbench

# The regressions and the claims each must fail, from the binary (InjectedRegression.claimIDs in
# Sources/LBCheck): "p2c-scan 2b", one line each.
declare -A expected=()
regressions=()
while read -r regression ids; do
    expected[$regression]=$ids
    regressions+=("$regression")
done < <("$lbbench" check --list-regressions)
[ "${#regressions[@]}" -gt 0 ] || { echo "check-false-failures: lbbench check --list-regressions listed none" >&2; exit 1; }

if $hog; then
    cc -O2 -o "$work/memory-hog" scripts/memory-hog.c
    last_core=$(( $(nproc) - 1 ))
    # Its own bound (memory-hog.c): a minute per run (one takes 10–15 s here) and 10 minutes more;
    # should runs be slower, hog_alive stops the script rather than count unloaded runs as loaded.
    if $inject; then hog_seconds=$((${#regressions[@]} * 60 + 600)); else hog_seconds=$((runs * 60 + 600)); fi
    taskset -c "$last_core" "$work/memory-hog" 256 "$hog_seconds" &
    hog_pid=$!
    sleep 1
    kill -0 "$hog_pid" || { echo "check-false-failures: the hog did not start" >&2; exit 1; }
    load="with the memory hog (PID $hog_pid) pinned to core $last_core"
else
    load="without a hog"
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs; $load"

# The hog must be there for every run that the summary counts as loaded.
hog_alive() {  # hog_alive RUNS-DONE
    if $hog && ! kill -0 "$hog_pid" 2>/dev/null; then
        echo "check-false-failures: the hog (PID $hog_pid) died after run $1; the runs after it would not be loaded" >&2
        exit 1
    fi
}

# Runs the check once (bounded: 5 minutes, about 10–15 s here; scripts/lib/bounded-run.sh, so
# Ctrl-C stops it); prints "STATUS SECONDS FAILED-IDS…" (failed ids from its stderr), or
# "error" after showing the stderr of a check that neither passed (0) nor failed a claim (1):
# bad input (64), an internal error (70), a report it could not write (73), a crash.
check_once() {
    local status=0 started ended
    started=$(date +%s.%N)
    bounded_run 300 "$lbbench" check "$@" >"$work/report.md" 2>"$work/stderr" || status=$?
    ended=$(date +%s.%N)
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
        echo "check-false-failures: lbbench check exited $status:" >&2; cat "$work/stderr" >&2
        echo error; return
    fi
    local ids
    ids=$(sed -n 's/^lbbench check: FAIL \([0-9a-z]*\):.*/\1/p' "$work/stderr" | sort -u | tr '\n' ' ')
    printf '%s %s %s\n' "$status" "$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')" "$ids"
}

if $inject; then
    missed=0
    done_runs=0
    for regression in "${regressions[@]}"; do
        hog_alive "$done_runs"
        read -r status seconds ids <<<"$(check_once --inject-regression "$regression")"
        [ "$status" != error ] || exit 1
        caught=true
        [ "$status" -eq 1 ] || caught=false
        for id in ${expected[$regression]}; do
            [[ " $ids " == *" $id "* ]] || caught=false
        done
        if $caught; then verdict=caught; else verdict=MISSED; missed=$((missed + 1)); fi
        echo "$regression: $verdict (exit $status, failed claims: ${ids:-none}; expected ${expected[$regression]}; ${seconds} s)"
        done_runs=$((done_runs + 1))
    done
    hog_alive "$done_runs"
    echo "injected regressions: $((${#regressions[@]} - missed)) of ${#regressions[@]} caught ($load)"
    [ "$missed" -eq 0 ]
    exit
fi

failed=0
slowest=0
declare -A failures_by_claim=()
for run in $(seq 1 "$runs"); do
    hog_alive $((run - 1))
    read -r status seconds ids <<<"$(check_once)"
    [ "$status" != error ] || exit 1
    echo "run $run/$runs: exit $status, ${seconds} s${ids:+, failed: $ids}"
    if [ "$status" -ne 0 ]; then sed 's/^/    /' "$work/stderr"; fi
    if [ "$status" -ne 0 ]; then
        failed=$((failed + 1))
        for id in $ids; do failures_by_claim[$id]=$(( ${failures_by_claim[$id]:-0} + 1 )); done
    fi
    if awk -v a="$seconds" -v b="$slowest" 'BEGIN { exit !(a > b) }'; then slowest=$seconds; fi
done
hog_alive "$runs"
summary="none"
if [ "${#failures_by_claim[@]}" -gt 0 ]; then
    summary=$(for id in "${!failures_by_claim[@]}"; do printf '%s×%s ' "$id" "${failures_by_claim[$id]}"; done)
fi
echo "false failures: $failed of $runs runs (claims: $summary); slowest run ${slowest} s; $load"
[ "$failed" -eq 0 ]
