#!/usr/bin/env python3
"""Plots a scaling run (`lbbench run --matrix scaling --format json`) as one PNG figure.

Usage: plot_scaling.py RESULTS.json[.gz] OUTPUT.png

One row per workload and server count; left, picks per second (all threads together) against
threads; right, jainLoad against threads. One line per selector (and lock), colour per
selector, line style per lock. jainLoad is drawn on a logit axis, on which 0.9, 0.99 and 0.999
are evenly spaced, so both sharded herding (0.3) and the gap between p2c (0.92) and the exact
selectors (0.99+) show. Thread counts beyond the machine's cores are shaded. The caption is
the machine context from the file.
"""
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from plot_results import caption, jain_axis, jain_point, label, thread_axis  # noqa: E402
from published_run import load  # noqa: E402

LOCK_STYLES = ["-", "--", ":", "-."]


def style_of(runs):
    """Colour per selector (catalogue order of first appearance), line style per lock."""
    selectors = list(dict.fromkeys(run["selector"] for run in runs))
    locks = list(dict.fromkeys(run["lock"] for run in runs if run.get("lock")))
    colours = plt.get_cmap("tab10" if len(selectors) <= 10 else "tab20").colors

    def style(run):
        lock = run.get("lock")
        return {
            "color": colours[selectors.index(run["selector"]) % len(colours)],
            "linestyle": LOCK_STYLES[locks.index(lock) % len(LOCK_STYLES)] if lock else "-",
            "marker": "o" if not lock else "s^dv"[locks.index(lock) % 4],
            "markersize": 3,
            "linewidth": 1.2,
        }

    return style


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    document = load(sys.argv[1])
    if not document["runs"]:
        sys.exit(f"{sys.argv[1]}: no runs to plot")
    runs, machine = document["runs"], document["machine"]
    cores = int(machine.get("cores", 0)) or None
    style = style_of(runs)

    panels = list(dict.fromkeys((run["workload"], run["servers"]) for run in runs))
    threads = sorted({run["threads"] for run in runs})
    series = defaultdict(dict)  # (workload, servers, label) -> threads -> run
    for run in runs:
        series[(run["workload"], run["servers"], label(run))][run["threads"]] = run

    figure, grid = plt.subplots(len(panels), 2, figsize=(12, 3.4 * len(panels)), squeeze=False)
    handles = {}
    lowest_jain = 1.0
    for row, (workload, servers) in enumerate(panels):
        throughput_axes, jain_axes = grid[row]
        for (w, s, name), points in series.items():
            if (w, s) != (workload, servers):
                continue
            xs = sorted(points)
            jain = [jain_point(points[x]["fairness"]["jainLoad"]) for x in xs]
            lowest_jain = min(lowest_jain, *jain)
            line, = throughput_axes.plot(xs, [points[x]["picksPerSecond"] for x in xs], label=name,
                                         **style(points[xs[0]]))
            jain_axes.plot(xs, jain, label=name, **style(points[xs[0]]))
            handles.setdefault(name, line)
        throughput_axes.set_yscale("log")
        throughput_axes.set_ylabel("picks/s, all threads")
        throughput_axes.set_title(f"{workload}, {servers:,} servers: throughput", fontsize=9)
        jain_axes.set_ylabel("jainLoad (logit axis)")
        jain_axes.set_title(f"{workload}, {servers:,} servers: jainLoad (1 = even)", fontsize=9)
        for axes in (throughput_axes, jain_axes):
            thread_axis(axes, threads, cores)
            axes.grid(True, which="both", alpha=0.3)
    for row in range(len(panels)):
        jain_axis(grid[row][1], lowest_jain)

    names = sorted(handles)
    figure.legend([handles[n] for n in names], names, loc="upper center", ncol=min(6, len(names)), fontsize=7,
                  bbox_to_anchor=(0.5, 1.0))
    figure.text(0.01, 0.005, caption(machine) + f"; {document.get('length', '')}", fontsize=6, color="gray")
    rows_of_legend = (len(names) + 5) // 6
    figure.tight_layout(rect=(0, 0.015, 1, 1 - 0.022 * rows_of_legend * 4 / len(panels)))
    out = Path(sys.argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
