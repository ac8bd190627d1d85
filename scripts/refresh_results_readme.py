#!/usr/bin/env python3
"""Writes a published run's README and refreshes results/README.md with it.

Usage: refresh_results_readme.py RESULTS_DIR RUN_DIR_NAME

RUN_DIR (RESULTS_DIR/RUN_DIR_NAME) holds either what scripts/publish-results.sh wrote: results.md
(the harness tables), results.json.gz, allocator.md, the three plots and summary.txt; or what
scripts/scaling-run.sh wrote (a scaling run): scaling.json.gz, scaling.md, scaling.png,
summary.txt, check.md when run, and optionally context.md (the machine, in words, for runs made
elsewhere) and other files, which are linked. RUN_DIR/README.md gets the run's whole report;
RESULTS_DIR/README.md gets the latest published run's machine, plots and tables, links to every
earlier one, and every scaling run's plot under "Many cores".
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
    findings, tables = split_findings((run_dir / "results.md").read_text())
    # The harness report starts with its own title; the page has one already.
    tables = "\n".join(line for line in tables.splitlines() if not line.startswith("# "))
    summary = (run_dir / "summary.txt").read_text().strip()
    parts = [findings, ""] if findings else []
    parts += [
        machine_line(run_dir / "results.json.gz"),
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


SCALING_FILES = {"scaling.json.gz", "scaling.md", "scaling.png", "summary.txt", "context.md", "README.md"}


def machine_line(json_gz):
    with gzip.open(json_gz, "rt") as file:
        machine = json.load(file)["machine"]
    return (f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['os']}, Swift {machine['swift']}, "
            f"{machine['build']} build, {machine['date']}.")


def scaling_summary(run_dir, prefix, context=True):
    """A scaling run's machine, context (if asked), summary, plot and the files beside it (not its tables)."""
    parts = [machine_line(run_dir / "scaling.json.gz"), ""]
    if context and (run_dir / "context.md").exists():
        parts += [(run_dir / "context.md").read_text().strip(), ""]
    parts += [(run_dir / "summary.txt").read_text().strip(), ""]
    if (run_dir / "scaling.png").exists():
        parts += [f"![Throughput and jainLoad against threads]({prefix}scaling.png)", ""]
    others = sorted(p.name for p in run_dir.iterdir() if p.is_file() and p.name not in SCALING_FILES)
    links = [f"[`scaling.json.gz`]({prefix}scaling.json.gz) (schema `lbbench.results/1`, gzipped)",
             f"[`scaling.md`]({prefix}scaling.md) (the tables)"] + [f"[`{o}`]({prefix}{o})" for o in others]
    parts += ["Files: " + ", ".join(links) + "."]
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    results = Path(sys.argv[1])
    name = sys.argv[2]
    run_dir = results / name
    if (run_dir / "scaling.json.gz").exists():
        tables = "\n".join(line for line in (run_dir / "scaling.md").read_text().splitlines()
                           if not line.startswith("# "))
        (run_dir / "README.md").write_text(
            f"# lbbench scaling run: {name}\n\nThe scaling matrix (`lbbench run --matrix scaling`, "
            "`scripts/scaling-run.sh`); how this run was made is below.\n\n"
            + scaling_summary(run_dir, "") + "\n## Harness tables\n" + tables.strip() + "\n")
    else:
        (run_dir / "README.md").write_text(
            f"# lbbench results: {name}\n\nMade with `scripts/publish-results.sh`.\n\n" + body(run_dir, ""))
    runs = sorted((p.name for p in results.iterdir() if p.is_dir() and (p / "results.json.gz").exists()), reverse=True)
    scaling = sorted((p.name for p in results.iterdir() if p.is_dir() and (p / "scaling.json.gz").exists()),
                     reverse=True)
    latest = name if name in runs else (runs[0] if runs else None)
    page = [
        "# Published results",
        "",
        "Made with `scripts/publish-results.sh` (see the main README); each run is a folder "
        "`<date>-<machine>/` with the Markdown tables, the raw JSON and the plots. This page shows the latest, "
        "then the many-core scaling runs of `scripts/scaling-run.sh`.",
        "",
    ]
    if latest:
        page += [f"## Latest: [{latest}]({latest}/README.md)", "", body(results / latest, f"{latest}/").strip(), ""]
    page += ["## Earlier runs", ""]
    page += [f"- [{r}]({r}/README.md)" for r in runs if r != latest] or ["None yet."]
    if scaling:
        page += ["", "## Many cores: scaling runs", "",
                 "`scripts/scaling-run.sh` (`lbbench run --matrix scaling`): every selector with every lock, "
                 "64 and 4,096 servers, 1 to 32 threads, uniform and mixed; newest first.", ""]
        for run in scaling:
            page += [f"### [{run}]({run}/README.md)", "", scaling_summary(results / run, f"{run}/", context=False).strip(), ""]
    (results / "README.md").write_text("\n".join(page).rstrip() + "\n")


if __name__ == "__main__":
    main()
