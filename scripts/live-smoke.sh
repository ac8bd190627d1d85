#!/usr/bin/env bash
# Smoke test of `lbbench-live` on loopback (about half a minute): bad input exits 64 with one
# line (also through `lbbench live`, word for word); a short run through lbbench's proxy, and
# through HAProxy and nginx when installed (scripts/install-live-peers.sh), answers every
# request; nothing it started keeps running. Every run is bounded by `timeout` (SIGTERM first, so
# lbbench-live stops what it started; scripts/lib/bounded-run.sh, which also stops the run on
# Ctrl-C or a SIGTERM to this script), and so is the port holder it starts itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bounded-run.sh
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
swift build -c release --product lbbench-live >/dev/null
live=".build/release/lbbench-live"
work=$(mktemp -d)
holder=""
cleanup() {
    if [ -n "$holder" ]; then kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

expect_usage() {  # expect_usage DESCRIPTION ARGS...: exit 64 and exactly one line on stderr
    local what=$1; shift
    local status=0
    bounded_run 30 "$live" "$@" >"$work/out" 2>"$work/err" || status=$?
    if [ "$status" -ne 64 ] || [ "$(wc -l <"$work/err")" -ne 1 ]; then
        echo "FAIL: $what: exit $status, stderr:"; cat "$work/err"; exit 1
    fi
    echo "ok: $what -> $(cat "$work/err")"
}
expect_usage "unknown balancer" --balancers lbbench,envoy
expect_usage "utilisation 1" --utilization 1
expect_usage "unknown sizes" --sizes bimodal
expect_usage "no segments" --segments 0
expect_usage "unknown schedule" --schedule interleaved
expect_usage "one port for rows side by side" --port 20000
expect_usage "utilisation so small the arrival rate rounds to 0 (it once trapped)" --utilization 5e-324
expect_usage "a unit below a microsecond" --unit-ms 1e-320
expect_usage "utilisation with a closed loop" --population 10 --utilization 0.5
expect_usage "think time without a closed loop" --think-time-ms 5
expect_usage "a value that does not parse (one line, no usage screen)" --seed=-1
expect_usage "an unknown option" --bogus
expect_usage "selectors without lbbench's proxy among the balancers" --balancers haproxy --selectors p2c
# `lbbench live` is lbbench-live under lbbench's name: the same refusal, word for word.
swift build -c release --product lbbench >/dev/null
status=0
bounded_run 30 .build/release/lbbench live --balancers lbbench,envoy >"$work/out" 2>"$work/err.forwarded" || status=$?
bounded_run 30 "$live" --balancers lbbench,envoy >"$work/out" 2>"$work/err" || true
if [ "$status" -ne 64 ] || ! cmp -s "$work/err" "$work/err.forwarded"; then
    echo "FAIL: lbbench live: exit $status, stderr:"; cat "$work/err.forwarded"; exit 1
fi
echo "ok: lbbench live forwards to lbbench-live -> $(cat "$work/err.forwarded")"
if command -v python3 >/dev/null; then
    python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$work/port" &
    holder=$!
    for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
    if [ ! -s "$work/port" ]; then echo "FAIL: the port holder did not start"; exit 1; fi
    expect_usage "busy port" --port "$(cat "$work/port")" --schedule sequential
    kill "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
    holder=""
fi

balancers=lbbench
for peer in haproxy nginx; do
    if PATH="$PATH:/usr/sbin:/sbin" command -v "$peer" >/dev/null; then balancers="$balancers,$peer"; else echo "note: $peer not installed"; fi
done
# Its peers' configurations go under $work/tmp, so that the check at the end sees this run's
# processes only (an nginx worker renames itself and is found by lbbench-live's own stop, by its
# process group, not here).
mkdir "$work/tmp"
TMPDIR="$work/tmp" bounded_run 120 \
    "$live" --balancers "$balancers" --sizes exponential --unit-ms 20 --utilization 0.5 --warmup 0.5 --duration 2 --drain 2 \
    --format json --output "$work/live.json"
python3 - "$work/live.json" "$balancers" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["schema"] == "lbbench.live/1", report["schema"]
balancers = sys.argv[2].split(",")
rows = report["rows"]
assert sorted({row["balancer"] for row in rows}) == sorted(balancers), (rows, balancers)
for row in rows:
    assert row["errors"] == 0 and row["unfinished"] == 0, row
    assert row["short"]["count"] > 0, row
    assert row["prediction"] is not None, row
    assert sum(segment["shortCount"] for segment in row["segments"]) == row["short"]["count"], row
# Side by side (the default), every row gets every request.
assert report["farm"]["schedule"] == "together" and len({row["sent"] for row in rows}) == 1, rows
print(f"ok: {len(rows)} rows ({', '.join(r['balancer'] + ' ' + r['algorithm'] for r in rows)}), no errors")
PY
left=""
for process in /proc/[0-9]*; do
    command_line=$(tr '\0' ' ' <"$process/cmdline" 2>/dev/null || true)
    if [[ $command_line == *"$work/tmp"* ]]; then left="$left${process#/proc/}: $command_line"$'\n'; fi
done
if [ -n "$left" ]; then
    echo "FAIL: a balancer lbbench-live started is still running:"; printf '%s' "$left"; exit 1
fi
echo "ok: nothing left running"
