#!/usr/bin/env python3
"""Tests of the scripts that publish results: the two kinds of cells told apart, the connection
cap's note, the Findings taken from a report, and results/README.md listing every folder.

Run: python3 scripts/test_results_scripts.py (scripts/test.sh does). Needs no matplotlib.
"""
import gzip
import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import published_run  # noqa: E402
import refresh_results_readme  # noqa: E402

MACHINE = {"cpu": "Test CPU", "cores": 2, "os": "Test OS", "swift": "6.3", "build": "release",
           "date": "2026-11-29T00:00:00Z"}


def cell(workload, servers, concurrency, jain=1.0, selector="buckets"):
    return {"selector": selector, "lock": "mutex", "workload": workload, "servers": servers,
            "concurrency": concurrency, "threads": 1, "fairness": {"jainLoad": jain}}


def document(runs, length="0.500 s per cell; 400,000 picks per cell (all threads together)", date=None):
    machine = dict(MACHINE, date=date or MACHINE["date"])
    return {"schema": "lbbench.results/1", "machine": machine, "length": length, "runs": runs}


REPORT = """# lbbench results

- Machine: Test CPU

## Findings

- Cheapest pick: **round-robin**.

## uniform: every request lasts 10 ms

| selector |
|---|
"""


class SplitTests(unittest.TestCase):
    def test_uniform_cells_of_both_kinds_are_told_apart_by_concurrency(self):
        runs = [cell("uniform", 8, 64), cell("uniform", 8, 32), cell("mixed", 8, 64),
                cell("uniform", 100_000, 16_384)]
        scaling, workloads = published_run.split(document(runs))
        self.assertEqual([(r["servers"], r["concurrency"]) for r in scaling["runs"]], [(8, 64), (100_000, 16_384)])
        self.assertEqual([(r["workload"], r["concurrency"]) for r in workloads["runs"]], [("uniform", 32), ("mixed", 64)])
        self.assertEqual(scaling["length"], "0.500 s per cell")
        self.assertEqual(workloads["length"], "400,000 picks per cell (all threads together)")

    def test_a_length_describing_neither_kind_is_kept_whole(self):
        scaling, _ = published_run.split(document([], length="400,000 picks per cell"))
        self.assertEqual(scaling["length"], "400,000 picks per cell")


class ConnectionCapTests(unittest.TestCase):
    def test_capped_cells_get_their_bound_and_measured_range(self):
        note = published_run.connection_cap_note(
            [cell("uniform", 100_000, 16_384, 0.164), cell("uniform", 100_000, 16_384, 0.08), cell("uniform", 64, 512)])
        self.assertEqual(len(note), 1)
        self.assertIn("16,384 ÷ 100,000 = 0.164", note[0])
        self.assertIn("at least 83,616 are idle", note[0])
        self.assertIn("measured: 0.080–0.164 over its 2 cells", note[0])

    def test_no_note_where_every_server_can_hold_a_connection(self):
        self.assertEqual(published_run.connection_cap_note([cell("uniform", 16_384, 16_384)]), [])


class FindingsTests(unittest.TestCase):
    def test_findings_come_out_of_a_report_and_the_rest_stays(self):
        findings, rest = published_run.findings_and_rest(REPORT.splitlines())
        self.assertEqual([line for line in findings if line], ["- Cheapest pick: **round-robin**."])
        self.assertNotIn("## Findings", rest)
        self.assertNotIn("# lbbench results", rest)
        self.assertIn("## uniform: every request lasts 10 ms", rest)
        self.assertIn("### uniform: every request lasts 10 ms", published_run.tables(REPORT.splitlines()))

    def test_a_report_without_findings_has_none(self):
        self.assertEqual(published_run.findings_and_rest(["# t", "## uniform"]), ([], ["## uniform"]))


class IndexTests(unittest.TestCase):
    def write_gzip(self, path, value):
        with gzip.open(path, "wt") as file:
            json.dump(value, file)

    def test_the_index_lists_every_kind_of_folder_newest_first_with_its_findings(self):
        with tempfile.TemporaryDirectory() as directory:
            results = Path(directory)
            published = results / "2026-11-27-test-2cores"
            scaling = results / "2026-11-29-xeon-16cores"  # the same day as live, but earlier: by date, not name
            live = results / "2026-11-29-live-test-2cores"
            for folder in (published, scaling, live):
                folder.mkdir()
            self.write_gzip(published / "results.json.gz", document([], date="2026-11-27T00:00:00Z"))
            (published / "results.md").write_text(REPORT)
            (published / "summary.txt").write_text("441 cells.")
            self.write_gzip(scaling / "scaling.json.gz", document([], date="2026-11-29T19:00:00Z"))
            (scaling / "scaling.md").write_text(REPORT.replace("round-robin", "p2c"))
            (scaling / "summary.txt").write_text("75 s.")
            (live / "live.json").write_text(json.dumps({"machine": dict(MACHINE, date="2026-11-29T22:00:00Z")}))
            (live / "live.md").write_text("# lbbench live\n\nFarm: 4 backends.\n\n## Findings\n\n- nginx: below.\n")
            sys.argv = ["refresh_results_readme.py", str(results), published.name]
            refresh_results_readme.main()
            index = (results / "README.md").read_text()
            positions = [index.index(f"## [{folder.name}]") for folder in (live, scaling, published)]
            self.assertEqual(positions, sorted(positions))
            self.assertIn("- Cheapest pick: **round-robin**.", index)
            self.assertIn("- Cheapest pick: **p2c**.", index)
            self.assertIn("- nginx: below.", index)
            self.assertIn("Farm: 4 backends.", index)
            page = (published / "README.md").read_text()
            self.assertLess(page.index("## Findings"), page.index("## uniform"))


if __name__ == "__main__":
    unittest.main()
