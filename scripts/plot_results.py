#!/usr/bin/env python3
"""Plots a published run (scripts/publish-results.sh; schema lbbench.results/1) as PNG figures.

Usage: plot_results.py RESULTS.json[.gz] OUTPUT_DIR

The run's cells are told apart as in published_run.py: scaling cells (uniform, 8 … 100,000
servers, fixed time) and workload cells (every workload, 400,000 picks). Three figures, each
captioned with the machine context from the file:
  pick-latency-vs-servers.png  mean pick latency against server count (log-log), one line per
                               selector, scaling cells on 1 thread;
  throughput-vs-threads.png    picks per second against threads, one line per selector, scaling
                               cells at 1,024 servers (else the largest count); thread counts
                               beyond the machine's cores shaded;
  jain-load.png                per workload and selector, the worst jainLoad of its workload
                               cells, on a logit axis (0.9, 0.99 and 0.999 evenly spaced), so
                               0.8 against 1.0 does not flatten.
"""
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from published_run import load, split  # noqa: E402

# jainLoad 1 has no place on a logit axis; it is drawn just below.
JAIN_CEILING = 1 - 1e-4


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


def mark_cores(axes, cores, threads):
    """Shades thread counts above the machine's cores (on a log-2 thread axis)."""
    if cores and threads and max(threads) > cores:
        axes.axvspan(cores, max(threads) * 1.2, color="gray", alpha=0.12, linewidth=0)
        axes.axvline(cores, color="gray", linestyle="--", linewidth=0.8)
        axes.text(cores, 0.02, f" {cores} cores: threads beyond share cores", transform=axes.get_xaxis_transform(),
                  fontsize=6, color="gray")


def thread_axis(axes, threads, cores):
    """A log-2 thread axis with a tick per measured count and the threads beyond `cores` shaded."""
    axes.set_xscale("log", base=2)
    axes.set_xticks(threads, [str(t) for t in threads])
    axes.set_xlim(min(threads) / 1.2, max(threads) * 1.2)
    axes.set_xlabel("threads")
    mark_cores(axes, cores, threads)


def jain_point(value):
    """jainLoad as drawn on a logit axis, which has no place for 1 (nor 0): just inside."""
    return min(max(value, 1e-4), JAIN_CEILING)


def jain_axis(axes, lowest):
    """A logit jainLoad axis, on which 0.9, 0.99 and 0.999 are evenly spaced, from below `lowest` to 1."""
    axes.set_yscale("logit")
    ticks = [t for t in (0.1, 0.3, 0.5, 0.8, 0.9, 0.99, 0.999, 0.9999) if t >= lowest * 0.9]
    axes.set_ylim(min(lowest * 0.9, 0.85), 1 - 5e-5)
    axes.set_yticks(ticks, [f"{t:g}" for t in ticks])
    axes.minorticks_off()


def plot_latency(scaling, machine, out):
    series = defaultdict(dict)
    for run in scaling:
        if run["threads"] == 1:
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
    axes.set_title("Pick latency against server count (scaling cells: uniform, 1 thread)")
    finish(figure, axes, machine, out / "pick-latency-vs-servers.png")


def plot_throughput(scaling, machine, out):
    counts = {run["servers"] for run in scaling}
    servers = 1024 if 1024 in counts else max(counts)
    series = defaultdict(dict)
    for run in scaling:
        if run["servers"] == servers:
            series[label(run)][run["threads"]] = run["picksPerSecond"]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    threads = sorted({t for points in series.values() for t in points})
    for name, points in sorted(series.items()):
        xs = sorted(points)
        if len(xs) > 1:
            axes.plot(xs, [points[x] for x in xs], marker="o", label=name)
    axes.set_yscale("log")
    thread_axis(axes, threads, int(machine.get("cores", 0)))
    axes.set_ylabel("picks per second (all threads)")
    axes.set_title(f"Throughput against threads (scaling cells: uniform, {servers:,} servers)")
    finish(figure, axes, machine, out / "throughput-vs-threads.png")


def plot_jain(workloads, machine, out):
    """Per workload and selector, the worst jainLoad over the workload cells (all of which hold at
    least 4 connections per server, so no server is idle by construction)."""
    values = defaultdict(list)
    for run in workloads:
        values[(run["workload"], label(run))].append(run["fairness"]["jainLoad"])
    names = list(dict.fromkeys(run["workload"] for run in workloads))
    selectors = sorted({s for _, s in values})
    figure, axes = plt.subplots(figsize=(max(8, 1.6 * len(names)), 4.5))
    width = 0.8 / max(1, len(selectors))
    lowest = min(min(v) for v in values.values())
    for index, selector in enumerate(selectors):
        points = [(w + index * width, jain_point(min(values[(name, selector)])))
                  for w, name in enumerate(names) if (name, selector) in values]
        axes.plot([x for x, _ in points], [y for _, y in points], linestyle="none", marker="o", label=selector)
    axes.set_xticks([w + 0.4 - width / 2 for w in range(len(names))], names)
    jain_axis(axes, lowest)
    axes.set_ylabel("jainLoad, worst cell (logit axis; 1 = even)")
    axes.set_title("Load fairness per workload (workload cells; top = even)")
    finish(figure, axes, machine, out / "jain-load.png", loc="center left", bbox_to_anchor=(1.01, 0.5), ncol=1)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    document = load(sys.argv[1])
    scaling, workloads = (part["runs"] for part in split(document))
    if not scaling or not workloads:
        sys.exit(f"{sys.argv[1]}: needs both scaling and workload cells (see published_run.py)")
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    machine = document["machine"]
    plot_latency(scaling, machine, out)
    plot_throughput(scaling, machine, out)
    plot_jain(workloads, machine, out)


if __name__ == "__main__":
    main()
