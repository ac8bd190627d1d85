#!/usr/bin/env bash
# How far apart least-connections rules' busiest ÷ average in-flight land on one window of the
# default `lbbench-live` farm, in the simulator: for seeds 1..SEEDS, `lbbench simulate` runs the
# farm (weights = speeds 2,1,1,1, processor sharing, Poisson at ρ = 0.85, `mixed` sizes: 99% short
# requests, 1% long ones, which carry 98% of the work) at the arrival rate of `lbbench-live
# --unit-ms UNIT_MS` (ρ × Σ weights ÷ unit: 85 requests/s at the default 50 ms, 425 at 10 ms) for
# WINDOW_SECONDS of arrivals (after a warm-up of a tenth as many) with lbbench's rule
# (`linear-scan`), HAProxy leastconn's (`haproxy-leastconn`) and nginx least_conn's
# (`nginx-least-conn`) on the same requests, and prints, per rule, in how many windows its busiest
# ÷ average is within 10% of the HAProxy model's, the median ratio to it, the median figure, and
# the weight-2 backend's share of the in-flight over the windows (mean and standard deviation:
# how far one window's balance wanders under each rule).
# Usage: scripts/busiest-spread.sh [SEEDS (1-10000, default 200)] [WINDOW_SECONDS (10-3600, default 150,
# lbbench-live's default window; it was 60 until 2026-11-30)] [UNIT_MS (1-10000, default 50,
# lbbench-live's default --unit-ms)]
# Only the number of requests in a window matters (the simulator has no clock of its own), so
# a window at 10 ms is one five times as long at 50 ms.
# Builds and uses the release lbbench (or runs $LBBENCH); 300 seeds of 150 s at 50 ms take about
# 15 s, at 10 ms about 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
seeds=${1:-200}
window=${2:-150}
unit=${3:-50}
refuse() { echo "busiest-spread.sh: $1" >&2; exit 64; }
[[ $seeds =~ ^[0-9]+$ ]] && [ ${#seeds} -le 5 ] && [ "$seeds" -ge 1 ] && [ "$seeds" -le 10000 ] \
    || refuse "SEEDS $seeds: must be a whole number in 1...10000"
[[ $window =~ ^[0-9]+$ ]] && [ ${#window} -le 4 ] && [ "$window" -ge 10 ] && [ "$window" -le 3600 ] \
    || refuse "WINDOW_SECONDS $window: must be a whole number of seconds in 10...3600"
[[ $unit =~ ^[0-9]+$ ]] && [ ${#unit} -le 5 ] && [ "$unit" -ge 1 ] && [ "$unit" -le 10000 ] \
    || refuse "UNIT_MS $unit: must be a whole number of milliseconds in 1...10000"
seeds=$((10#$seeds)) window=$((10#$window)) unit=$((10#$unit))  # 10#: a leading 0 is not octal
# Requests in the window: ρ 0.85 × Σ weights 5 ÷ (UNIT_MS / 1000 s) × WINDOW_SECONDS.
jobs=$((window * 4250 / unit))
[ "$jobs" -ge 300 ] \
    || refuse "WINDOW_SECONDS $window at UNIT_MS $unit: $jobs requests, fewer than the 300 the simulator measures at least"
lbbench=${LBBENCH:-}
if [ -n "$lbbench" ] && { [ ! -f "$lbbench" ] || [ ! -x "$lbbench" ]; }; then
    refuse "LBBENCH $lbbench: must be an executable lbbench"
fi
if [ -z "$lbbench" ]; then
    swift build -c release --product lbbench >/dev/null
    lbbench=.build/release/lbbench
fi
errors=$(mktemp "${TMPDIR:-/tmp}/lbbench-busiest-spread.XXXXXX")
trap 'rm -f "$errors"' EXIT
rules=(linear-scan nginx-least-conn haproxy-leastconn)
for seed in $(seq 1 "$seeds"); do
    # Each run's JSON holds one busiestOverAverageInFlight, in the order of --selectors.
    if ! report=$("$lbbench" simulate --weights 2,1,1,1 --utilization 0.85 --sizes mixed --jobs "$jobs" --seed "$seed" \
        --selectors "$(IFS=,; echo "${rules[*]}")" --format json 2>"$errors"); then
        echo "busiest-spread.sh: lbbench simulate failed on seed $seed: $(tail -1 "$errors")" >&2
        exit 1
    fi
    figures=$(grep -o '"busiestOverAverageInFlight" *: *[0-9.eE+-]*' <<<"$report" | sed 's/.*: *//' | tr '\n' ' ')
    # Each run's per-server mean in-flight, one array per run: the first server's share of it.
    shares=$(tr -d ' \n' <<<"$report" | grep -o '"meanInFlight":\[[^]]*\]' | sed 's/.*\[//; s/\]//' \
        | awk -F, '{ sum = 0; for (i = 1; i <= NF; i++) sum += $i; printf "%s ", (sum > 0 ? $1 / sum : 0) }')
    echo "$seed $figures$shares"
done | awk -v seeds="$seeds" -v window="$window" -v jobs="$jobs" -v unit="$unit" '
    NF != 7 { print "busiest-spread.sh: seed " $1 ": expected 3 figures and 3 shares, got " NF - 1 " values" > "/dev/stderr"; failed = 1; exit 1 }
    {
        for (rule = 1; rule <= 3; rule++) {
            figure[rule, NR] = $(rule + 1)
            share[rule] += $(rule + 4)
            shareSquares[rule] += $(rule + 4) * $(rule + 4)
        }
        for (rule = 1; rule <= 2; rule++) {
            ratio[rule, NR] = $(rule + 1) / $4
            if (ratio[rule, NR] >= 0.9 && ratio[rule, NR] <= 1.1) within[rule]++
        }
    }
    function median(array, rule, count,    values, index_, swapped, step, hold) {
        for (index_ = 1; index_ <= count; index_++) values[index_] = array[rule, index_]
        # Insertion sort: at most 10,000 values.
        for (index_ = 2; index_ <= count; index_++) {
            hold = values[index_]
            for (step = index_ - 1; step >= 1 && values[step] > hold; step--) values[step + 1] = values[step]
            values[step + 1] = hold
        }
        return count % 2 ? values[(count + 1) / 2] : (values[count / 2] + values[count / 2 + 1]) / 2
    }
    # The standard deviation of the shares over the windows (n − 1 in the denominator; 0 for one window).
    function deviation(rule,    mean, variance) {
        if (NR < 2) return 0
        mean = share[rule] / NR
        variance = (shareSquares[rule] - NR * mean * mean) / (NR - 1)
        return variance > 0 ? sqrt(variance) : 0
    }
    END {
        if (failed || NR != seeds) exit 1
        printf "Busiest ÷ average in-flight on the default lbbench-live farm (weights 2,1,1,1, PS, ρ 0.85, mixed sizes),\n"
        printf "simulated: %d windows of %d s at --unit-ms %d (%d requests after %d of warm-up), seeds 1-%d, same requests for every rule.\n\n", NR, window, unit, jobs, int(jobs / 10), seeds
        printf "| rule | within 10%% of HAProxy leastconn'"'"'s | median ratio to it | median busiest ÷ avg | weight-2 share of in-flight, mean ± sd |\n|---|--:|--:|--:|--:|\n"
        split("lbbench least connections (linear-scan)|nginx least_conn (nginx-least-conn)", names, "|")
        for (rule = 1; rule <= 2; rule++)
            printf "| %s | %d of %d (%.0f%%) | %.3f | %.3f | %.3f ± %.3f |\n", names[rule], within[rule], NR, 100 * within[rule] / NR, median(ratio, rule, NR), median(figure, rule, NR), share[rule] / NR, deviation(rule)
        printf "| HAProxy leastconn (haproxy-leastconn) | – | – | %.3f | %.3f ± %.3f |\n", median(figure, 3, NR), share[3] / NR, deviation(3)
    }'
