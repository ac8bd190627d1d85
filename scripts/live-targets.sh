#!/usr/bin/env bash
# Measures issue 12's targets for `lbbench-live` on this machine (about 15 minutes):
#   1. the default run 5 times, repeat r with --seed r (seed 1 is the default; each repeat is an
#      independent workload, not the same requests again; LIVE_TARGETS_SAME_SEED=1 keeps seed 1
#      for all five, LIVE_TARGETS_FIRST_SEED=s uses seeds s to s + 4) with the rows side by
#      side: least connections' short-request p99 below
#      round robin's, per balancer and repeat, with the short requests behind each p99 and the
#      window segments where it holds; lbbench's busiest ÷ average in-flight against HAProxy
#      leastconn's, and whether it lies inside the run's simulated 5–95% window band (busiestRatioBand);
#      the generator's lateness and the load average (how loaded the machine was); the picks
#      lbbench's proxy left unreleased (must be 0) and each least-connections row's long requests
#      per backend;
#   2. PS backends with exponential sizes: measured mean response against the simulator's;
#   3. the zero-work ceiling, requests/s at 64 connections, lbbench's proxy (round robin) against
#      nginx's round robin, three times in a row (each a ratio within one run; the median is the figure).
# Writes every report, and each run's stderr (stderr.log, shown when the run fails), under a
# temporary directory or DIR (made when missing; a relative DIR is taken from where the script
# is run), and prints a summary. Usage: scripts/live-targets.sh [DIR]
set -euo pipefail
first_seed=${LIVE_TARGETS_FIRST_SEED:-1}
[[ $first_seed =~ ^[0-9]{1,9}$ ]] || { echo "live-targets.sh: LIVE_TARGETS_FIRST_SEED $first_seed: must be a whole number in 0...999999999" >&2; exit 64; }
same_seed=${LIVE_TARGETS_SAME_SEED:-0}
[[ $same_seed =~ ^[01]$ ]] || { echo "live-targets.sh: LIVE_TARGETS_SAME_SEED $same_seed: must be 0 or 1" >&2; exit 64; }
out=""
if [ $# -gt 1 ]; then echo "live-targets.sh: $# arguments: takes at most one, the report folder" >&2; exit 64; fi
if [ $# -eq 1 ]; then
    if [ -z "$1" ] || { [ -e "$1" ] && [ ! -d "$1" ]; }; then
        echo "live-targets.sh: DIR '$1': must be a folder (made when missing), not empty and not a file" >&2; exit 64
    fi
    mkdir -p "$1"
    out=$(cd "$1" && pwd -P)
fi
cd "$(dirname "$0")/.."
source scripts/lib/bounded-run.sh
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
swift build -c release --product lbbench-live >/dev/null
live=.build/release/lbbench-live
[ -n "$out" ] || out=$(mktemp -d /tmp/lbbench-live-targets.XXXXXX)
# run NAME ARGS...: one lbbench-live run into $out/NAME, its stderr (progress and
# any error) in $out/NAME/stderr.log, printed when the run fails. A hang is stopped at the bound
# (SIGTERM first, so lbbench-live stops what it started; each run is far shorter), and so is a
# run when this script gets Ctrl-C or SIGTERM (scripts/lib/bounded-run.sh).
run() {
    local name=$1 started status=0
    shift
    mkdir -p "$out/$name"
    started=$(date +%s.%N)
    bounded_run 900 "$live" "$@" --output-directory "$out/$name" 2>"$out/$name/stderr.log" || status=$?
    last_seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    if [ "$status" -ne 0 ]; then
        echo "live-targets.sh: run $name exited $status after $last_seconds s; its stderr:" >&2
        tail -20 "$out/$name/stderr.log" >&2
        echo "reports so far in $out" >&2
        exit 1
    fi
}
for repeat in 1 2 3 4 5; do
    seed=$((repeat - 1 + 10#$first_seed))  # 10#: a leading 0 is not octal
    if [ "$same_seed" = 1 ]; then seed=1; fi
    run "default-$repeat" --seed "$seed"
    echo "default run $repeat (seed $seed): $last_seconds s"
    echo "  after it: $(uptime)"
done
run ps-exponential --sizes exponential --utilization 0.7 --duration 20
for repeat in 1 2 3; do
    # --max-requests above what 9 s at the ceiling sends (about 150,000 here), so that the cap,
    # which bounds a closed loop too, does not cut the window short on a faster machine.
    run "ceiling-$repeat" --balancers lbbench,nginx --selectors round-robin --population 64 --unit-ms 0 --warmup 1 --duration 8 --drain 2 \
        --max-requests 1000000
done
echo "reports in $out"
python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print("## Default run: short-request p99 (ms), least connections vs round robin")
holds = {}
ratios = []
inside = []
for path in sorted(glob.glob(os.path.join(out, "default-*/live.json"))):
    report = json.load(open(path))
    cells = []
    for finding in report["findings"]["shortP99"]:
        ok = finding["leastConnections"] < finding["roundRobin"]
        holds.setdefault(finding["balancer"], []).append(ok)
        cells.append(f"{finding['balancer']} {finding['leastConnections']*1000:.3g} vs {finding['roundRobin']*1000:.3g} "
                     f"{'ok' if ok else 'NOT'} (n = {finding.get('leastConnectionsCount', '?')}/{finding.get('roundRobinCount', '?')}, "
                     f"segments {finding.get('segmentsBelow', '?')}/{finding.get('segmentsCompared', '?')})")
    # The generator's lateness: how long the machine kept this process from running.
    lag = max(row["generatorMaxLagSeconds"] for row in report["rows"]) * 1000
    mean_lag = max(row.get("generatorMeanLagSeconds") or 0 for row in report["rows"]) * 1000
    cells.append(f"generator late ≤ {lag:.0f} ms (mean {mean_lag:.2f} ms)")
    # Every pick of lbbench's proxy released (0), and where each least-connections row sent its long requests.
    unreleased = [row.get("unreleasedPicks") for row in report["rows"] if row["balancer"] == "lbbench"]
    if any(value is not None for value in unreleased):
        cells.append("lbbench unreleased picks " + "/".join(str(value) for value in unreleased))
    longs = [f"{row['balancer']} {'/'.join(map(str, row['perBackend']['longRequests']))}" for row in report["rows"]
             if row["family"] == "least-connections" and "longRequests" in row["perBackend"]]
    if longs:
        cells.append("long requests per backend: " + ", ".join(longs))
    ratio = report["findings"]["busiestRatioVersusHAProxy"]
    predicted = report["findings"].get("predictedBusiestRatioVersusHAProxy")
    band = report["findings"].get("busiestRatioBand")
    if ratio is not None:
        ratios.append(ratio)
    if band is not None and band.get("containsMeasured") is not None:
        inside.append(band["containsMeasured"])
    print(f"- {os.path.basename(os.path.dirname(path))} (seed {report['farm']['seed']}, {report['seconds']:.0f} s): " + "; ".join(cells)
          + (f"; busiest÷avg ratio vs HAProxy {ratio:.3f}" if ratio is not None else "")
          + (f" (simulator, each one's rule: {predicted:.3f})" if predicted is not None else "")
          + (f"; simulated {band['windows']}-window band {band['p5']:.3f}–{band['p95']:.3f}, "
             f"{'inside' if band['containsMeasured'] else 'OUTSIDE'}" if band is not None and ratio is not None else ""))
for balancer, results in holds.items():
    print(f"  {balancer}: ordering held in {sum(results)} of {len(results)}")
if ratios:
    print(f"  busiest÷avg lbbench/HAProxy: median {sorted(ratios)[len(ratios)//2]:.3f}, within 10% in {sum(abs(r-1) <= 0.1 + 1e-9 for r in ratios)} of {len(ratios)}"
          + (f"; inside its run's simulated 5–95% window band in {sum(inside)} of {len(inside)}" if inside else ""))
print("## PS, exponential sizes: measured mean response ÷ simulator's")
report = json.load(open(os.path.join(out, "ps-exponential/live.json")))
for row in report["rows"]:
    if row["prediction"] and row["meanResponseUnits"]:
        ratio = row["meanResponseUnits"] / row["prediction"]["meanResponseUnits"]
        print(f"- {row['balancer']} {row['algorithm']}: {row['meanResponseUnits']:.3f} vs {row['prediction']['meanResponseUnits']:.3f} "
              f"units ({(ratio-1)*100:+.1f}%, {'within' if abs(ratio-1) <= 0.15 else 'OUTSIDE'} 15%)")
print("## Zero-work ceiling, 64 connections: requests/s (CPU µs per request)")
ceiling = []
for path in sorted(glob.glob(os.path.join(out, "ceiling-*/live.json"))):
    report = json.load(open(path))
    rows = {(row["balancer"], row["algorithm"]): row for row in report["rows"]}
    cells = [f"{balancer} {algorithm} {row['requestsPerSecond']:.0f}/s "
             f"({row['proxyCPUSeconds'] / max(row['requestsPerSecond'] * report['farm']['durationSeconds'], 1) * 1e6:.1f} µs)"
             for (balancer, algorithm), row in rows.items()]
    own, nginx = rows.get(("lbbench", "round-robin")), rows.get(("nginx", "round-robin"))
    if own and nginx:
        ceiling.append(own["requestsPerSecond"] / nginx["requestsPerSecond"])
        cells.append(f"lbbench ÷ nginx round robin {ceiling[-1]:.2f}")
    print(f"- {os.path.basename(os.path.dirname(path))}: " + "; ".join(cells))
if ceiling:
    print(f"  median lbbench ÷ nginx: {sorted(ceiling)[len(ceiling)//2]:.2f} (target ≥ 0.8)")
PY
