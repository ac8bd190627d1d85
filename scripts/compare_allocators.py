#!/usr/bin/env python3
"""Compares the same lbbench cells run under two allocators (lbbench.results/1 files).

Usage: compare_allocators.py SYSTEM.json JEMALLOC.json OUTPUT.md

Writes a Markdown table with one row per cell found in both files: picks per second and pick
latency p50 / p99 under each allocator, and the throughput ratio jemalloc / system. The harness
allocates nothing inside its measured loop (nor do the selectors), so the ratios should stay
within run-to-run noise; a cell far from 1.0 would mean the figures depend on the allocator.
"""
import json
import statistics
import sys
from pathlib import Path


def key(run):
    return (run["workload"], run["selector"], run.get("lock") or "—", run["servers"], run["threads"])


def load(path):
    document = json.loads(Path(path).read_text())
    if document.get("schema") != "lbbench.results/1":
        sys.exit(f'{path}: schema {document.get("schema")!r}, expected "lbbench.results/1"')
    return {key(run): run for run in document["runs"]}


def rate(value):
    return f"{value / 1e6:.2f} M" if value >= 1e6 else f"{value / 1e3:.0f} k"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    system, jemalloc = load(sys.argv[1]), load(sys.argv[2])
    keys = [k for k in system if k in jemalloc]
    if not keys:
        sys.exit("no cell appears in both files")
    lines = [
        "| workload | selector | lock | servers | threads | picks/s system | picks/s jemalloc | jemalloc ÷ system "
        "| pick p50 / p99 ns system | pick p50 / p99 ns jemalloc |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    ratios = []
    for k in keys:
        s, j = system[k], jemalloc[k]
        ratio = j["picksPerSecond"] / s["picksPerSecond"] if s["picksPerSecond"] else float("nan")
        ratios.append(ratio)
        lines.append(
            f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {k[4]} | {rate(s['picksPerSecond'])} | {rate(j['picksPerSecond'])} "
            f"| {ratio:.2f} | {s['pickLatencyNs']['p50']} / {s['pickLatencyNs']['p99']} "
            f"| {j['pickLatencyNs']['p50']} / {j['pickLatencyNs']['p99']} |")
    one_thread = [r for k, r in zip(keys, ratios) if k[4] == 1]
    lines += [
        "",
        f"Throughput ratio jemalloc ÷ system over {len(ratios)} cells: median {statistics.median(ratios):.2f}, "
        f"range {min(ratios):.2f}–{max(ratios):.2f}"
        + (f"; single-thread cells only: median {statistics.median(one_thread):.2f}, "
           f"range {min(one_thread):.2f}–{max(one_thread):.2f}." if one_thread else "."),
    ]
    Path(sys.argv[3]).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
