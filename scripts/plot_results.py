#!/usr/bin/env python3
"""Plots an lbbench results file (schema lbbench.results/1) as PNG figures.

Usage: plot_results.py RESULTS.json OUTPUT_DIR

Writes three figures, each captioned with the machine context from the file:
  pick-latency-vs-servers.png  mean pick latency against server count (log-log), one line
                               per selector, single thread, first workload present;
  throughput-vs-threads.png    picks per second against thread count, one line per selector,
                               at 1,024 servers (else the largest count present), uniform
                               workload (else the first present);
  jain-load.png                jainLoad per workload and selector (grouped bars), the worst
                               cell with at least 2 connections in flight per server (cells
                               with fewer leave servers idle by construction).
"""
import json
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def label(run):
    lock = run.get("lock")
    return f'{run["selector"]}+{lock}' if lock else run["selector"]


def caption(machine):
    return (f'{machine.get("cpu", "?")}, {machine.get("cores", "?")} cores, {machine.get("os", "?")}, '
            f'Swift {machine.get("swift", "?")}, {machine.get("build", "?")} build, {machine.get("date", "?")}')


def finish(figure, axes, machine, path, **legend):
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, ncol=legend.pop("ncol", 2), **legend)
    figure.text(0.01, 0.01, caption(machine), fontsize=6, color="gray")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    figure.savefig(path, dpi=120)
    plt.close(figure)


def plot_latency(runs, machine, out):
    workloads = [r["workload"] for r in runs]
    workload = "uniform" if "uniform" in workloads else workloads[0]
    series = defaultdict(dict)
    for run in runs:
        if run["workload"] == workload and run["threads"] == 1:
            series[label(run)][run["servers"]] = run["pickLatencyNs"]["mean"]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for name, points in sorted(series.items()):
        xs = sorted(points)
        if len(xs) > 1:
            axes.plot(xs, [points[x] for x in xs], marker="o", label=name)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("servers")
    axes.set_ylabel("mean pick latency (ns, one timer read included)")
    axes.set_title(f"Pick latency against server count ({workload}, 1 thread)")
    finish(figure, axes, machine, out / "pick-latency-vs-servers.png")


def plot_throughput(runs, machine, out):
    workloads = [r["workload"] for r in runs if r["workload"] != "video"]
    workload = "uniform" if "uniform" in workloads else workloads[0]
    counts = {r["servers"] for r in runs if r["workload"] == workload}
    servers = 1024 if 1024 in counts else max(counts)
    series = defaultdict(dict)
    for run in runs:
        if run["servers"] == servers and run["workload"] == workload:
            series[label(run)].setdefault(run["threads"], []).append(run["picksPerSecond"])
    figure, axes = plt.subplots(figsize=(7, 4.5))
    threads = sorted({t for points in series.values() for t in points})
    for name, points in sorted(series.items()):
        xs = sorted(points)
        if len(xs) > 1:
            axes.plot(xs, [max(points[x]) for x in xs], marker="o", label=name)
    axes.set_yscale("log")
    axes.set_xticks(threads)
    axes.set_xlabel("threads")
    axes.set_ylabel("picks per second (all threads)")
    axes.set_title(f"Throughput against threads ({workload}, {servers} servers)")
    finish(figure, axes, machine, out / "throughput-vs-threads.png")


def plot_jain(runs, machine, out):
    values = defaultdict(list)
    for run in runs:
        if run["concurrency"] >= 2 * run["servers"]:
            values[(run["workload"], label(run))].append(run["fairness"]["jainLoad"])
    workloads = sorted({w for w, _ in values})
    selectors = sorted({s for _, s in values})
    figure, axes = plt.subplots(figsize=(max(7, 1.4 * len(workloads)), 4.5))
    width = 0.8 / max(1, len(selectors))
    for index, selector in enumerate(selectors):
        xs = [w + index * width for w in range(len(workloads))]
        ys = [min(values.get((workload, selector), [0])) for workload in workloads]
        axes.bar(xs, ys, width=width, label=selector)
    axes.set_xticks([w + 0.4 - width / 2 for w in range(len(workloads))], workloads)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("jainLoad (worst cell; 1 = perfectly even)")
    axes.set_title("Instantaneous load fairness per workload")
    finish(figure, axes, machine, out / "jain-load.png", loc="lower left", ncol=4, framealpha=0.95)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    document = json.loads(Path(sys.argv[1]).read_text())
    if document.get("schema") != "lbbench.results/1":
        sys.exit(f'{sys.argv[1]}: schema {document.get("schema")!r}, expected "lbbench.results/1"')
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    runs, machine = document["runs"], document["machine"]
    if not runs:
        sys.exit(f"{sys.argv[1]}: no runs to plot")
    plot_latency(runs, machine, out)
    plot_throughput(runs, machine, out)
    plot_jain(runs, machine, out)


if __name__ == "__main__":
    main()
