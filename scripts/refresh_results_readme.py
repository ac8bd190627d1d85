#!/usr/bin/env python3
"""Writes a published run's README and rewrites results/README.md, the index of every run.

Usage: refresh_results_readme.py RESULTS_DIR [RUN_DIR_NAME]

Each folder under RESULTS_DIR is one run, of one of three kinds, told apart by its files:
  published  scripts/publish-results.sh: results.json.gz, results.md (Findings, then scaling
             cells and workload cells; scripts/published_run.py), allocator.md, the three plots
             of scripts/plot_results.py and summary.txt;
  scaling    scripts/scaling-run.sh: scaling.json.gz, scaling.md (`lbbench report`), scaling.png,
             summary.txt, check.md when run, context.md (the machine, in words, for runs made
             elsewhere) and other files, which are linked;
  live       scripts/publish-live.sh: live.json (lbbench.live/1), live.md, plots and the README
             publish-live.sh writes.
With RUN_DIR_NAME, RUN_DIR/README.md is (re)written from those files (a published or scaling
run; publish-live.sh writes its own). RESULTS_DIR/README.md lists every folder, newest first,
with its machine (and context.md, where a run has one), how it was made and its Findings, which
each report computed from its cells.
"""
import json
import sys
from pathlib import Path

from published_run import findings_and_rest, load, section

PLOTS = [
    ("pick-latency-vs-servers.png", "Pick latency against server count"),
    ("throughput-vs-threads.png", "Throughput against threads"),
    ("jain-load.png", "jainLoad per workload and selector"),
]
SCALING_FILES = {"scaling.json.gz", "scaling.md", "scaling.png", "summary.txt", "context.md", "README.md"}
LIVE_PLOTS = [
    ("short-p99.png", "Short-request p99 by balancer and algorithm"),
    ("in-flight.png", "Per-backend requests in flight ÷ weight"),
]


def kind(run_dir):
    if (run_dir / "results.json.gz").exists():
        return "published"
    if (run_dir / "scaling.json.gz").exists():
        return "scaling"
    if (run_dir / "live.json").exists():
        return "live"
    return None


def machine_line(machine):
    return (f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['os']}, Swift {machine['swift']}, "
            f"{machine['build']} build, {machine['date']}.")


def machine_of(run_dir):
    if kind(run_dir) == "live":
        return json.loads((run_dir / "live.json").read_text())["machine"]
    return load(run_dir / ("results.json.gz" if kind(run_dir) == "published" else "scaling.json.gz"))["machine"]


def text(path):
    return path.read_text().strip() if path.exists() else ""


def published_readme(run_dir):
    """A publish-results.sh run's page: Findings, machine, how it was made, plots, allocator row, tables."""
    findings, rest = findings_and_rest((run_dir / "results.md").read_text().splitlines())
    parts = [f"# lbbench results: {run_dir.name}", "", "Made with `scripts/publish-results.sh`.", "",
             "## Findings", *findings, machine_line(machine_of(run_dir)), "", text(run_dir / "summary.txt"), ""]
    parts += [f"![{title}]({file})\n" for file, title in PLOTS if (run_dir / file).exists()]
    if (run_dir / "allocator.md").exists():
        parts += ["## Allocator row: system malloc against jemalloc", "", text(run_dir / "allocator.md"), ""]
    parts += ["\n".join(rest).strip(), "",
              "Raw data: [`results.json.gz`](results.json.gz) (schema `lbbench.results/1`, gzipped; every cell of "
              "both kinds), [`results.csv.gz`](results.csv.gz); the allocator rounds in "
              "[`allocator-runs.tar.gz`](allocator-runs.tar.gz)."]
    return "\n".join(parts).rstrip() + "\n"


def scaling_files(run_dir, prefix):
    others = sorted(p.name for p in run_dir.iterdir() if p.is_file() and p.name not in SCALING_FILES)
    links = [f"[`scaling.json.gz`]({prefix}scaling.json.gz) (schema `lbbench.results/1`, gzipped)",
             f"[`scaling.md`]({prefix}scaling.md) (the tables)"] + [f"[`{o}`]({prefix}{o})" for o in others]
    return "Files: " + ", ".join(links) + "."


def scaling_readme(run_dir):
    """A scaling-run.sh run's page: Findings, machine, context, how it was made, plot, files, tables."""
    findings, tables = findings_and_rest((run_dir / "scaling.md").read_text().splitlines())
    parts = [f"# lbbench scaling run: {run_dir.name}", "",
             "The scaling matrix (`lbbench run --matrix scaling`, `scripts/scaling-run.sh`).", "",
             "## Findings", *findings, machine_line(machine_of(run_dir)), ""]
    for extra in ("context.md", "summary.txt"):
        if (run_dir / extra).exists():
            parts += [text(run_dir / extra), ""]
    if (run_dir / "scaling.png").exists():
        parts += ["![Throughput and jainLoad against threads](scaling.png)", ""]
    parts += [scaling_files(run_dir, ""), "", "## Harness tables", "\n".join(tables).strip()]
    return "\n".join(parts).rstrip() + "\n"


def index_entry(run_dir):
    """A folder's part of results/README.md: machine, how it was made, Findings, plots (no tables)."""
    name, prefix = run_dir.name, f"{run_dir.name}/"
    what = kind(run_dir)
    parts = [f"## [{name}]({prefix}README.md)", "", machine_line(machine_of(run_dir)), ""]
    if what == "published":
        parts += ["The published matrix (`scripts/publish-results.sh`): scaling cells (uniform, 8 … 100,000 servers) "
                  "and workload cells (every workload), told apart in its tables. " + text(run_dir / "summary.txt"), "",
                  "Findings:", *section(text(run_dir / "results.md").splitlines(), "## Findings")]
        parts += [f"![{title}]({prefix}{file})\n" for file, title in PLOTS if (run_dir / file).exists()]
        parts += [f"Tables, the allocator row and the raw data: [{name}]({prefix}README.md)."]
    elif what == "scaling":
        parts += [text(run_dir / "context.md"), ""] if (run_dir / "context.md").exists() else []
        parts += ["A scaling run (`scripts/scaling-run.sh`, `lbbench run --matrix scaling`). "
                  + text(run_dir / "summary.txt"), "", "Findings:", *section(text(run_dir / "scaling.md").splitlines(), "## Findings")]
        if (run_dir / "scaling.png").exists():
            parts += [f"![Throughput and jainLoad against threads]({prefix}scaling.png)", ""]
        parts += [f"Context, tables and files: [{name}]({prefix}README.md). " + scaling_files(run_dir, prefix)]
    else:
        live = text(run_dir / "live.md")
        farm = next((line for line in live.splitlines() if line.startswith("Farm:")), "")
        parts += ["Real sockets (`scripts/publish-live.sh`, `lbbench-live`): lbbench's proxy, HAProxy and nginx in "
                  "front of the same loopback backends. " + farm, "", "Findings:", *section(live.splitlines(), "## Findings")]
        parts += [f"![{title}]({prefix}{file})\n" for file, title in LIVE_PLOTS if (run_dir / file).exists()]
        parts += [f"Tables and the raw data (`lbbench.live/1`): [{name}]({prefix}README.md)."]
    return "\n".join(parts).rstrip() + "\n"


def index(results):
    runs = sorted((p for p in results.iterdir() if p.is_dir() and kind(p)), key=lambda p: machine_of(p)["date"],
                  reverse=True)
    page = [
        "# Published results",
        "",
        "Every folder here is one run; this page lists them all, newest first, with the machine, how the run was "
        "made and its Findings, which each run's report computed from its cells. The tables are in each folder's "
        "README. Formats: [`docs/formats.md`](../docs/formats.md) (`lbbench.results/1` and the folders' files), "
        "[`docs/live.md`](../docs/live.md) (`lbbench.live/1`).",
        "",
        "| folder | kind | machine | made by |",
        "|---|---|---|---|",
    ]
    made_by = {"published": "`scripts/publish-results.sh`", "scaling": "`scripts/scaling-run.sh`",
               "live": "`scripts/publish-live.sh`"}
    what = {"published": "harness: every selector and workload", "scaling": "harness: threads and locks (scaling matrix)",
            "live": "real sockets: lbbench's proxy, HAProxy, nginx"}
    for run in runs:
        machine = machine_of(run)
        page.append(f"| [{run.name}]({run.name}/README.md) | {what[kind(run)]} | {machine['cpu']}, "
                    f"{machine['cores']} cores | {made_by[kind(run)]} |")
    page.append("")
    for run in runs:
        page += [index_entry(run)]
    (results / "README.md").write_text("\n".join(page).rstrip() + "\n")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    results = Path(sys.argv[1])
    if not results.is_dir():
        sys.exit(f"{results}: not a results folder\n{__doc__}")
    if len(sys.argv) == 3:
        run_dir = results / sys.argv[2]
        if kind(run_dir) == "published":
            (run_dir / "README.md").write_text(published_readme(run_dir))
        elif kind(run_dir) == "scaling":
            (run_dir / "README.md").write_text(scaling_readme(run_dir))
        elif kind(run_dir) is None:
            sys.exit(f"{run_dir}: neither a published, a scaling nor a live run")
    index(results)


if __name__ == "__main__":
    main()
