#!/usr/bin/env python3
"""Plots an `lbbench-live --format json` report (schema lbbench.live/1).

Usage: plot_live.py REPORT.json OUTPUT_DIRECTORY
Writes short-p99.png (short-request p99 by balancer and algorithm) and in-flight.png
(per-backend mean requests in flight ÷ weight, per balancer and algorithm).
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> None:
    report_path, output = sys.argv[1], sys.argv[2]
    with open(report_path) as handle:
        report = json.load(handle)
    if report.get("schema") != "lbbench.live/1":
        sys.exit(f"{report_path}: not an lbbench.live/1 report")
    rows = report["rows"]
    labels = [f"{row['balancer']}\n{row['algorithm']}" for row in rows]
    weights = report["farm"]["weights"]
    machine = report["machine"]
    subtitle = f"{machine['cpu']}, {machine['cores']} cores; {report['farm']['sizes']} sizes, weights {weights}"

    figure, axes = plt.subplots(figsize=(max(6, 1.3 * len(rows)), 4))
    values = [(row["short"] or {}).get("p99", 0) * 1000 for row in rows]
    colors = ["tab:blue" if row["family"] == "least-connections" else "tab:orange" if row["family"] == "round-robin" else "tab:gray" for row in rows]
    axes.bar(labels, values, color=colors)
    axes.set_ylabel("short-request p99 (ms)")
    axes.set_title(f"lbbench live: short-request p99 (blue: least connections, orange: round robin)\n{subtitle}", fontsize=9)
    figure.tight_layout()
    figure.savefig(os.path.join(output, "short-p99.png"), dpi=120)

    figure, axes = plt.subplots(figsize=(max(6, 1.3 * len(rows)), 4))
    width = 0.8 / len(weights)
    for backend, weight in enumerate(weights):
        positions = [index + (backend - (len(weights) - 1) / 2) * width for index in range(len(rows))]
        heights = [row["perBackend"]["meanInFlight"][backend] / weight for row in rows]
        axes.bar(positions, heights, width, label=f"b{backend} (weight {weight})")
    axes.set_xticks(range(len(rows)))
    axes.set_xticklabels(labels)
    axes.set_ylabel("mean requests in flight ÷ weight")
    axes.set_title(f"lbbench live: per-backend load\n{subtitle}", fontsize=9)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(os.path.join(output, "in-flight.png"), dpi=120)


if __name__ == "__main__":
    main()
