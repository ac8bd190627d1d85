#!/usr/bin/env bash
# Is the gap between lbbench's and HAProxy's busiest ÷ average in-flight (issue 12) lbbench's
# proxy or its rule? Runs HAProxy 2.6's leastconn rule inside lbbench's own proxy, next to
# lbbench's rule in the same proxy and next to HAProxy itself, on the same requests.
#
# Applies scripts/haproxy-rule-in-proxy/haproxy-rule.patch (HAProxy's rule as a policy in
# `min-heap`'s place; an experiment, never part of the project) to a temporary worktree of HEAD,
# builds lbbench-live there (release; a fresh build with SwiftNIO, 3.5 minutes on the 2-core VM),
# then runs the default farm and load once per seed with
# `--selectors linear-scan,min-heap,round-robin` (7 rows side by side, about 160 s a seed), and
# prints per seed: lbbench's rule ÷ HAProxy, HAProxy's rule in lbbench's proxy ÷ HAProxy,
# nginx least_conn ÷ HAProxy, lbbench's rule ÷ HAProxy's rule (the same proxy), and the two
# lbbench rows' mean response (in mean sizes); then medians and how many within 10%.
# Needs HAProxy and nginx (scripts/install-live-peers.sh). The reports stay in the directory
# it prints; the worktree is removed.
#
# Usage: scripts/haproxy-rule-in-proxy.sh [SEED ...]   (default: seeds 1 to 10)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bounded-run.sh
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4 5 6 7 8 9 10)
for seed in "${seeds[@]}"; do
    [[ $seed =~ ^[0-9]{1,9}$ ]] || { echo "haproxy-rule-in-proxy.sh: seed $seed: must be a whole number in 0...999999999" >&2; exit 64; }
done
for peer in haproxy nginx; do
    command -v "$peer" >/dev/null || [ -x "/usr/sbin/$peer" ] \
        || { echo "haproxy-rule-in-proxy.sh: $peer is not installed (scripts/install-live-peers.sh)" >&2; exit 1; }
done
# The worktree lives in a fresh directory of its own (no name freed and reused), and goes with
# its git bookkeeping on every exit; the report folder goes too when no seed wrote into it.
parent=$(mktemp -d /tmp/lbbench-haproxy-rule-checkout.XXXXXX)
checkout="$parent/checkout"
out=$(mktemp -d /tmp/lbbench-haproxy-rule.XXXXXX)
cleanup() {
    local status=$?
    git worktree remove --force "$checkout" 2>/dev/null || true
    rm -rf "$parent"
    git worktree prune
    # SwiftPM's lock files for the worktree's build, named after its path.
    rm -f "${TMPDIR:-/tmp}/$(printf '%s' "$checkout" | tr / _)"_.build*.lock
    if ! compgen -G "$out/seed-*/*" >/dev/null; then rm -rf "$out"
    elif [ "$status" -ne 0 ]; then echo "haproxy-rule-in-proxy.sh: failed or stopped (exit $status); the reports and logs so far are in $out" >&2; fi
}
trap cleanup EXIT
git worktree add --detach "$checkout" HEAD >/dev/null
git -C "$checkout" apply "$PWD/scripts/haproxy-rule-in-proxy/haproxy-rule.patch"
if ! swift build -c release --product lbbench-live --package-path "$checkout" >"$out/build.log" 2>&1; then
    tail -20 "$out/build.log" >&2
    echo "haproxy-rule-in-proxy.sh: the patched build failed" >&2
    exit 1
fi
# Each seed's run is bounded (SIGTERM first, so lbbench-live stops what it started; a seed takes
# about 160 s) and stopped by Ctrl-C or a SIGTERM to this script (scripts/lib/bounded-run.sh);
# its stderr is kept in seed-N/stderr.log and shown, with the report folder, when it fails.
for seed in "${seeds[@]}"; do
    mkdir -p "$out/seed-$seed"
    status=0
    bounded_run 900 "$checkout/.build/release/lbbench-live" --selectors linear-scan,min-heap,round-robin --seed "$seed" \
        --output-directory "$out/seed-$seed" 2>"$out/seed-$seed/stderr.log" || status=$?
    if [ "$status" -ne 0 ]; then
        tail -20 "$out/seed-$seed/stderr.log" >&2
        echo "haproxy-rule-in-proxy.sh: seed $seed: lbbench-live exited $status$([ "$status" -eq 124 ] && echo " (timed out after 900 s)")" >&2
        exit 1
    fi
    echo "seed $seed done, $(uptime)"
done
echo "reports in $out (the rows named min-heap are HAProxy's rule in lbbench's proxy)"
python3 - "$out" <<'PY'
import glob, json, os, re, statistics, sys
def seed_of(path): return int(re.search(r"seed-(\d+)", path).group(1))
print("| seed | lbbench's rule ÷ HAProxy | HAProxy's rule in lbbench's proxy ÷ HAProxy | nginx ÷ HAProxy "
      "| lbbench's rule ÷ HAProxy's rule, same proxy | mean response, lbbench's rule / HAProxy's rule |")
print("|--:|--:|--:|--:|--:|--:|")
columns = [[], [], [], []]
for path in sorted(glob.glob(os.path.join(sys.argv[1], "seed-*/live.json")), key=seed_of):
    rows = {(row["balancer"], row["algorithm"]): row for row in json.load(open(path))["rows"]}
    haproxy = rows[("haproxy", "leastconn")]["busiestOverAverageInFlight"]
    own, theirs = rows[("lbbench", "linear-scan")], rows[("lbbench", "min-heap")]
    nginx = [row for (balancer, _), row in rows.items() if balancer == "nginx" and row["family"] != "round-robin"]
    values = [own["busiestOverAverageInFlight"] / haproxy, theirs["busiestOverAverageInFlight"] / haproxy,
              nginx[0]["busiestOverAverageInFlight"] / haproxy if nginx else float("nan"),
              own["busiestOverAverageInFlight"] / theirs["busiestOverAverageInFlight"]]
    for column, value in zip(columns, values): column.append(value)
    print(f"| {seed_of(path)} | " + " | ".join(f"{value:.3f}" for value in values)
          + f" | {own['meanResponseUnits']:.3f} / {theirs['meanResponseUnits']:.3f} |")
names = ["lbbench's rule ÷ HAProxy", "HAProxy's rule in lbbench's proxy ÷ HAProxy", "nginx ÷ HAProxy",
         "lbbench's rule ÷ HAProxy's rule (same proxy)"]
for name, column in zip(names, columns):
    if column:
        print(f"{name}: median {statistics.median(column):.3f}, within 10%: "
              f"{sum(abs(value - 1) <= 0.1 + 1e-9 for value in column)} of {len(column)}")
PY
