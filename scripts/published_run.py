#!/usr/bin/env python3
"""A published run's two kinds of cells, told apart, and its Markdown report.

Usage: published_run.py LBBENCH RESULTS.json[.gz] OUTPUT.md

scripts/publish-results.sh measures two kinds of cells into one results file:
  scaling cells   uniform durations; 8 … 100,000 servers; 8 connections in flight per server,
                  capped at 16,384 (SCALING_CONNECTION_CAP); each a fixed time (0.5 s);
  workload cells  every workload at 8, 64 and 1,024 servers (video at its own 3), at lbbench's
                  default connections in flight (4 per server, video 8, long-lived 64); 400,000 picks each.
Both have uniform cells at 8, 64 and 1,024 servers, which the harness tables (no concurrency
column) cannot tell apart. A cell is a scaling cell when its workload is uniform and its
concurrency is the scaling step's, min(8 × servers, 16,384); every other cell is a workload cell.

OUTPUT.md gets: the Findings of the whole run (computed by `lbbench report`), then "Scaling
cells" (a note computed from the cells where the connection cap leaves servers idle, then their
tables) and "Workload cells" (their tables), each rendered by `lbbench report` from its own cells.
"""
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SCALING_CONNECTIONS_PER_SERVER = 8
SCALING_CONNECTION_CAP = 16_384


def load(path):
    """An lbbench.results/1 document from a plain or gzipped JSON file."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as file:
        document = json.load(file)
    if document.get("schema") != "lbbench.results/1":
        sys.exit(f'{path}: schema {document.get("schema")!r}, expected "lbbench.results/1"')
    return document


def is_scaling_cell(run):
    return (run["workload"] == "uniform"
            and run["concurrency"] == min(SCALING_CONNECTIONS_PER_SERVER * run["servers"], SCALING_CONNECTION_CAP))


def split(document):
    """(scaling, workloads): two documents with the machine of `document` and its cells of each kind.

    The merged document's `length` joins its parts' lengths with "; " ("0.500 s per cell; 400,000
    picks per cell …"); each part keeps the pieces that describe it (time for scaling cells,
    picks for workload cells), or the whole when none does.
    """
    pieces = document["length"].split("; ")

    def part(runs, keep):
        length = "; ".join(p for p in pieces if keep(p)) or document["length"]
        return {"schema": document["schema"], "machine": document["machine"], "length": length, "runs": runs}

    scaling = [run for run in document["runs"] if is_scaling_cell(run)]
    workloads = [run for run in document["runs"] if not is_scaling_cell(run)]
    return (part(scaling, lambda p: "picks per cell" not in p),
            part(workloads, lambda p: "picks per cell" in p))


def connection_cap_note(scaling_runs):
    """Markdown lines on the cells where fewer connections than servers are in flight, or none."""
    capped = sorted({(run["servers"], run["concurrency"]) for run in scaling_runs if run["concurrency"] < run["servers"]})
    lines = []
    for servers, concurrency in capped:
        jain = [run["fairness"]["jainLoad"] for run in scaling_runs
                if (run["servers"], run["concurrency"]) == (servers, concurrency)]
        lines.append(
            f"- **{servers:,} servers: the {concurrency:,}-connection cap.** At most {concurrency:,} of the "
            f"{servers:,} servers hold a connection at any instant, so at least {servers - concurrency:,} are "
            f"idle by construction and jainLoad cannot exceed {concurrency:,} ÷ {servers:,} = "
            f"{concurrency / servers:.3f} for any selector (measured: {min(jain):.3f}–{max(jain):.3f} over its "
            f"{len(jain)} cells; peak/mean is inflated the same way). These cells measure what a pick costs "
            "on a farm that size, not fairness.")
    return lines


def report(lbbench, document, directory, name):
    """`lbbench report` of `document` as Markdown lines."""
    source = Path(directory) / f"{name}.json"
    output = Path(directory) / f"{name}.md"
    source.write_text(json.dumps(document))
    subprocess.run([lbbench, "report", str(source), "--format", "markdown", "--output", str(output)], check=True)
    return output.read_text().splitlines()


def section(lines, title):
    """The lines under heading `title` (without it) up to the next "## " heading; [] when there is none."""
    if title not in lines:
        return []
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start + 1:end]


def findings_and_rest(lines):
    """(the lines under a report's "## Findings", the report without its "# " title and its Findings)."""
    findings = section(lines, "## Findings")
    rest = [line for line in lines if not line.startswith("# ")]
    if "## Findings" in rest:
        start = rest.index("## Findings")
        rest = rest[:start] + rest[start + 1 + len(findings):]
    return findings, rest


def tables(lines):
    """A report without its title and Findings, its headings one level down."""
    return ["#" + line if line.startswith("## ") else line for line in findings_and_rest(lines)[1]]


def render(lbbench, document):
    scaling, workloads = split(document)
    servers = sorted({run["servers"] for run in scaling["runs"]})
    workload_names = list(dict.fromkeys(run["workload"] for run in workloads["runs"]))
    with tempfile.TemporaryDirectory() as directory:
        whole = report(lbbench, document, directory, "whole")
        lines = ["# lbbench results", "", "## Findings"] + section(whole, "## Findings")
        if scaling["runs"]:
            lines += [
                "## Scaling cells",
                "",
                f"Uniform durations on {', '.join(f'{s:,}' for s in servers)} servers: "
                f"{SCALING_CONNECTIONS_PER_SERVER} connections in flight per server, at most "
                f"{SCALING_CONNECTION_CAP:,}; {scaling['length']}. What a pick costs as the farm and the threads grow.",
                "",
            ]
            note = connection_cap_note(scaling["runs"])
            lines += (note + [""] if note else []) + tables(report(lbbench, scaling, directory, "scaling"))
        if workloads["runs"]:
            lines += [
                "",
                "## Workload cells",
                "",
                f"Every workload ({', '.join(workload_names)}) at lbbench's default connections in flight (4 per "
                "server, long-lived 64); video on its own 3 servers weighted 2,1,1; "
                f"{workloads['length']}. How evenly each selector spreads the load when durations differ.",
                "",
            ] + tables(report(lbbench, workloads, directory, "workloads"))
    return "\n".join(lines).rstrip() + "\n"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    lbbench, source, output = sys.argv[1:]
    Path(output).write_text(render(lbbench, load(source)))


if __name__ == "__main__":
    main()
