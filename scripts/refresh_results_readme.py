#!/usr/bin/env python3
"""Writes a published run's README and refreshes results/README.md with it.

Usage: refresh_results_readme.py RESULTS_DIR RUN_DIR_NAME

RUN_DIR (RESULTS_DIR/RUN_DIR_NAME) must hold what scripts/publish-results.sh wrote: results.md
(the harness tables), results.json.gz, allocator.md, the three plots and summary.txt. RUN_DIR/README.md gets the run's whole report; RESULTS_DIR/README.md
gets the latest run's machine, plots and tables, and links to every earlier run.
"""
import gzip
import json
import sys
from pathlib import Path

PLOTS = [
    ("pick-latency-vs-servers.png", "Pick latency against server count"),
    ("throughput-vs-threads.png", "Throughput against threads"),
    ("jain-load.png", "jainLoad per workload and selector"),
]


def split_findings(report):
    """The report's "## Findings" section (computed by `lbbench report` from the cells) and the
    report without it; ("", report) for a report written before lbbench computed findings."""
    lines = report.splitlines()
    if "## Findings" not in lines:
        return "", report
    start = lines.index("## Findings")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip(), "\n".join(lines[:start] + lines[end:])


def body(run_dir, prefix):
    """The run's report, findings first, with plot paths relative to where it is embedded (`prefix`)."""
    with gzip.open(run_dir / "results.json.gz", "rt") as file:
        machine = json.load(file)["machine"]
    findings, tables = split_findings((run_dir / "results.md").read_text())
    # The harness report starts with its own title; the page has one already.
    tables = "\n".join(line for line in tables.splitlines() if not line.startswith("# "))
    summary = (run_dir / "summary.txt").read_text().strip()
    parts = [findings, ""] if findings else []
    parts += [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['os']}, Swift {machine['swift']}, "
        f"{machine['build']} build, {machine['date']}.",
        "",
        summary,
        "",
    ]
    for file, title in PLOTS:
        parts += [f"![{title}]({prefix}{file})", ""]
    parts += [
        "## Allocator row: system malloc against jemalloc",
        "",
        (run_dir / "allocator.md").read_text().strip(),
        "",
        "## Harness tables",
        tables.strip(),
        "",
        f"Raw data: [`results.json.gz`]({prefix}results.json.gz) (schema `lbbench.results/1`, gzipped), "
        f"[`results.csv.gz`]({prefix}results.csv.gz); the allocator rounds in "
        f"[`allocator-runs.tar.gz`]({prefix}allocator-runs.tar.gz).",
    ]
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    results = Path(sys.argv[1])
    name = sys.argv[2]
    run_dir = results / name
    (run_dir / "README.md").write_text(f"# lbbench results: {name}\n\nMade with `scripts/publish-results.sh`.\n\n"
                                       + body(run_dir, ""))
    runs = sorted((p.name for p in results.iterdir() if p.is_dir() and (p / "results.json.gz").exists()), reverse=True)
    earlier = [r for r in runs if r != name]
    page = [
        "# Published results",
        "",
        "Made with `scripts/publish-results.sh` (see the main README); each run is a folder "
        "`<date>-<machine>/` with the Markdown tables, the raw JSON and the plots. This page shows the latest.",
        "",
        f"## Latest: [{name}]({name}/README.md)",
        "",
        body(run_dir, f"{name}/").strip(),
        "",
        "## Earlier runs",
        "",
    ]
    page += [f"- [{r}]({r}/README.md)" for r in earlier] or ["None yet."]
    (results / "README.md").write_text("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
