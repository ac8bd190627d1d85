#!/usr/bin/env python3
"""Compares the same lbbench cells run under the system allocator and under jemalloc.

Usage: compare_allocators.py OUTPUT.md --system FILE... --jemalloc FILE...

Each FILE is an lbbench.results/1 file of the same cells; the runs alternate between the two
allocators (system, jemalloc, system, …) so that a noisy stretch of a shared machine hits both,
and each figure is the median over a cell's rounds. Writes a Markdown table with one row per
cell: picks per second and pick latency p50 / p99 under each allocator, and the throughput ratio
jemalloc ÷ system. The harness and the selectors allocate nothing inside the measured loop, so
the ratios should sit at 1 within run-to-run noise; a cell far from 1 in every round would mean
the figures depend on the allocator.
"""
import argparse
import json
import statistics
from pathlib import Path


def key(run):
    return (run["workload"], run["selector"], run.get("lock") or "—", run["servers"], run["threads"])


def load(paths):
    """Per cell, the list of its runs over the files."""
    cells = {}
    for path in paths:
        document = json.loads(Path(path).read_text())
        if document.get("schema") != "lbbench.results/1":
            raise SystemExit(f'{path}: schema {document.get("schema")!r}, expected "lbbench.results/1"')
        for run in document["runs"]:
            cells.setdefault(key(run), []).append(run)
    return cells


def median(runs, figure):
    return statistics.median(figure(run) for run in runs)


def rate(value):
    return f"{value / 1e6:.2f} M" if value >= 1e6 else f"{value / 1e3:.0f} k"


def latency(runs):
    return f"{median(runs, lambda r: r['pickLatencyNs']['p50']):.0f} / {median(runs, lambda r: r['pickLatencyNs']['p99']):.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--system", nargs="+", required=True)
    parser.add_argument("--jemalloc", nargs="+", required=True)
    arguments = parser.parse_args()
    system, jemalloc = load(arguments.system), load(arguments.jemalloc)
    keys = [k for k in system if k in jemalloc]
    if not keys:
        raise SystemExit("no cell appears under both allocators")
    lines = [
        f"Median of {len(arguments.system)} alternating rounds per allocator.",
        "",
        "| workload | selector | lock | servers | threads | picks/s system | picks/s jemalloc | jemalloc ÷ system "
        "| pick p50 / p99 ns system | pick p50 / p99 ns jemalloc |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    ratios = {}
    for k in keys:
        s = median(system[k], lambda r: r["picksPerSecond"])
        j = median(jemalloc[k], lambda r: r["picksPerSecond"])
        ratios[k] = j / s if s else float("nan")
        lines.append(
            f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {k[4]} | {rate(s)} | {rate(j)} | {ratios[k]:.2f} "
            f"| {latency(system[k])} | {latency(jemalloc[k])} |")
    values = list(ratios.values())
    one_thread = [r for k, r in ratios.items() if k[4] == 1]
    lines += [
        "",
        f"Throughput ratio jemalloc ÷ system over {len(values)} cells: median {statistics.median(values):.2f}, "
        f"range {min(values):.2f}–{max(values):.2f}"
        + (f"; single-thread cells: median {statistics.median(one_thread):.2f}, "
           f"range {min(one_thread):.2f}–{max(one_thread):.2f}." if one_thread else "."),
    ]
    Path(arguments.output).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
