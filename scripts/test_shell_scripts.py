#!/usr/bin/env python3
"""Tests of the shell scripts' guarantees, with stubs instead of Swift, lbbench and lbbench-live
(a few seconds, nothing built, nothing measured):

- a Ctrl-C or SIGTERM to a script stops the bounded run it started (scripts/lib/bounded-run.sh),
  and the script stops too (publish-live.sh publishes nothing);
- bad input exits 64 with one line, before any build (LBBENCH_MACHINE, -n, ROUNDS);
- a threshold file that does not gate its row fails the threshold-file check;
- .ci/run fails when jemalloc cannot be found or installed; jemalloc-path.sh survives a long
  ldconfig cache; check-false-failures.sh stops when its hog dies.

Each test copies the scripts it needs into a temporary folder shaped like the repository, with
/opt/swift/usr/bin (which the scripts put first on PATH) renamed to a folder that does not exist,
so that a stub `swift` on PATH is the one they run.

Run: python3 scripts/test_shell_scripts.py (scripts/test.sh does). With
LBBENCH_TEST_SCRIPTS_AT=REV the scripts under test are taken from commit REV instead (the stubs'
scripts/lib/ stay this tree's), to see a test fail on an older script.
"""
import os
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AT = os.environ.get("LBBENCH_TEST_SCRIPTS_AT")


def script_text(path):
    if AT:
        shown = subprocess.run(["git", "-C", str(REPO), "show", f"{AT}:{path}"], capture_output=True, text=True)
        if shown.returncode == 0:
            return shown.stdout
    return (REPO / path).read_text()


def write(path, text, mode=0o755):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def gone(pid, seconds=5.0):
    """Whether process PID has ended (or is a zombie) within SECONDS."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def default_signals():
    """Run in a child before it executes a script: INT, HUP, QUIT and TERM back to their default
    actions. A shell cannot trap a signal that was ignored when it started, and this test may run
    where they are (`nohup`, or a background job of a script, which ignores INT and QUIT): the
    scripts under test would then not see the signal a user's Ctrl-C sends."""
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


class Sandbox:
    """A temporary repository-shaped folder holding copies of SCRIPTS and scripts/lib/, a stub
    `swift` (logs its arguments to swift.log; prints listing.txt for `package benchmark list`)
    first on PATH."""

    def __init__(self, test, *scripts):
        self.tmp = tempfile.TemporaryDirectory(prefix="lbbench-script-test.")
        test.addCleanup(self.tmp.cleanup)
        self.root = Path(self.tmp.name)
        for path in scripts:
            write(self.root / path, script_text(path).replace("/opt/swift/usr/bin", str(self.root / "no-opt-swift")))
        for lib in (REPO / "scripts/lib").glob("*.sh"):
            write(self.root / "scripts/lib" / lib.name, lib.read_text(), 0o644)
        self.bin = self.root / "stub-bin"
        write(self.bin / "swift", f"""#!/bin/sh
echo "$*" >>"{self.root}/swift.log"
case "$*" in *"benchmark list"*) cat "{self.root}/listing.txt";; esac
exit 0
""")
        self.env = dict(os.environ, PATH=f"{self.bin}:{os.environ['PATH']}")
        self.env.pop("LBBENCH_MACHINE", None)

    def run(self, args, timeout=60, **env):
        return subprocess.run(args, cwd=self.root, env=dict(self.env, **env), capture_output=True, text=True,
                              timeout=timeout)

    def built(self):
        return (self.root / "swift.log").exists()


SLEEPER = """#!/usr/bin/env bash
echo $$ >"{pidfile}"
exec sleep 300
"""


class InterruptTests(unittest.TestCase):
    """Ctrl-C (SIGINT) or SIGTERM to the script: the bounded run's process is stopped by then,
    and the script exits 130/143 without going on."""

    def interrupt(self, sandbox, args, pidfile, sig):
        process = subprocess.Popen(args, cwd=sandbox.root, env=sandbox.env, start_new_session=True,
                                   preexec_fn=default_signals, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        try:
            deadline = time.monotonic() + 20
            while not (pidfile.exists() and pidfile.read_text().strip()):
                if process.poll() is not None:
                    self.fail(f"the script ended (exit {process.returncode}) before the stub started: {process.communicate()}")
                self.assertLess(time.monotonic(), deadline, "the stub never started")
                time.sleep(0.05)
            stub = int(pidfile.read_text())
            process.send_signal(sig)
            try:
                out, err = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                self.fail(f"the script went on for 20 s after {sig.name}")
            self.assertTrue(gone(stub), f"the stub (PID {stub}) still runs after {sig.name} to the script")
            return process.returncode, out, err
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if pidfile.exists() and pidfile.read_text().strip():
                try:
                    os.kill(int(pidfile.read_text()), signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def test_bounded_run_forwards_the_signal_and_stops_the_script(self):
        for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)):
            with self.subTest(sig.name):
                sandbox = Sandbox(self)
                pidfile = sandbox.root / "stub.pid"
                write(sandbox.root / "stub", SLEEPER.format(pidfile=pidfile))
                write(sandbox.root / "script", f"""#!/usr/bin/env bash
set -euo pipefail
source "{sandbox.root}/scripts/lib/bounded-run.sh"
bounded_run 60 "{sandbox.root}/stub"
echo continued
""")
                code, out, _ = self.interrupt(sandbox, [str(sandbox.root / "script")], pidfile, sig)
                self.assertEqual((code, out), (status, ""))

    def test_publish_live_stops_lbbench_live_and_publishes_nothing(self):
        for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            with self.subTest(sig.name):
                sandbox = Sandbox(self, "scripts/publish-live.sh")
                pidfile = sandbox.root / "stub.pid"
                write(sandbox.root / ".build/release/lbbench-live", SLEEPER.format(pidfile=pidfile))
                code, _, _ = self.interrupt(sandbox, ["scripts/publish-live.sh"], pidfile, sig)
                self.assertEqual(code, status)
                self.assertEqual(list((sandbox.root / "results").iterdir()), [])


class RefusalTests(unittest.TestCase):
    """Bad input: exit 64, one line naming the option and value, nothing built."""

    def refused(self, sandbox, args, naming, **env):
        result = sandbox.run(args, **env)
        self.assertEqual(result.returncode, 64, result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        for word in naming:
            self.assertIn(word, result.stderr)
        self.assertFalse(sandbox.built(), "it built before refusing")

    def test_lbbench_machine_must_be_one_folder_name(self):
        for script in ("scripts/publish-live.sh", "scripts/publish-results.sh", "scripts/scaling-run.sh"):
            for machine in ("a/b", "../x", "x/../../victim"):
                with self.subTest(script=script, machine=machine):
                    sandbox = Sandbox(self, script)
                    self.refused(sandbox, [script], ["LBBENCH_MACHINE", machine], LBBENCH_MACHINE=machine)
                    self.assertFalse((sandbox.root / "results").exists() and any((sandbox.root / "results").iterdir()))

    def test_check_false_failures_run_count_cannot_overflow_past_its_bound(self):
        for value in ("99999999999999999999", "18446744073709551646", "29", "1001"):
            with self.subTest(value):
                sandbox = Sandbox(self, "scripts/check-false-failures.sh")
                self.refused(sandbox, ["scripts/check-false-failures.sh", "-n", value], ["-n", value, "30", "1000"])

    def test_policy_cost_rounds(self):
        for value in ("abc", "0", "101", "99999999999999999999"):
            with self.subTest(value):
                sandbox = Sandbox(self, "scripts/policy-cost.sh")
                self.refused(sandbox, ["scripts/policy-cost.sh"], ["ROUNDS", value, "1...100"], ROUNDS=value)


class ThresholdFileTests(unittest.TestCase):
    ROWS = {"SingleThread": ["a.servers:8", "b.servers:8"], "Fairness": ["c.mixed", "d.mixed"]}
    GOOD = {"SingleThread": '{\n  "mallocCountTotal" : 0\n}\n',
            "Fairness": '{"jainLoadPermille": 1000, "leakedConnections": 0, "peakToMeanLoadPermille": 1000}\n'}

    def sandbox(self):
        sandbox = Sandbox(self, "scripts/check-benchmark-threshold-files.sh")
        listing = "".join(f"Target '{target}' available benchmarks:\n" + "".join(f"{row}\n" for row in rows) + "\n"
                          for target, rows in self.ROWS.items())
        write(sandbox.root / "listing.txt", listing, 0o644)
        for target, rows in self.ROWS.items():
            for row in rows:
                write(sandbox.root / f"Benchmarks/Thresholds/{target}.{row}.p90.json", self.GOOD[target], 0o644)
        return sandbox

    def check(self, sandbox):
        return sandbox.run(["scripts/check-benchmark-threshold-files.sh", "SingleThread", "Fairness"])

    def test_usable_files_pass(self):
        result = self.check(self.sandbox())
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_a_file_that_gates_nothing_fails_the_check(self):
        sandbox = self.sandbox()
        broken = {"SingleThread.a.servers:8": "{", "SingleThread.b.servers:8": "{}",
                  "Fairness.c.mixed": '{"jainLoadPermille": 1000, "leakedConnections": 0, "peakToMeanLoadPermile": 1000}',
                  "Fairness.d.mixed": '{"jainLoadPermille": 1000.5, "leakedConnections": 0, "peakToMeanLoadPermille": 1000}'}
        for name, text in broken.items():
            write(sandbox.root / f"Benchmarks/Thresholds/{name}.p90.json", text, 0o644)
        result = self.check(sandbox)
        self.assertEqual(result.returncode, 1, result.stderr)
        for name in broken:
            self.assertIn(f"Benchmarks/Thresholds/{name}.p90.json", result.stderr)

    def test_a_missing_file_still_fails_the_check(self):
        sandbox = self.sandbox()
        (sandbox.root / "Benchmarks/Thresholds/Fairness.d.mixed.p90.json").unlink()
        result = self.check(sandbox)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("Fairness.d.mixed.p90.json", result.stderr)


class InstallTests(unittest.TestCase):
    def test_ci_fails_when_jemalloc_cannot_be_had(self):
        sandbox = Sandbox(self, ".ci/run")
        write(sandbox.root / "scripts/jemalloc-path.sh", "#!/bin/sh\necho 'cannot find libjemalloc.so.2' >&2\nexit 1\n")
        for later in ("scripts/install-live-peers.sh", "scripts/test.sh"):
            write(sandbox.root / later, f"#!/bin/sh\ntouch '{sandbox.root}/reached'\n")
        result = sandbox.run([".ci/run"])
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertFalse((sandbox.root / "reached").exists(), "CI went on after the jemalloc step failed")

    def test_jemalloc_path_survives_a_long_ldconfig_cache(self):
        sandbox = Sandbox(self, "scripts/jemalloc-path.sh")
        library = sandbox.root / "libjemalloc.so.2"
        library.write_text("")
        # The jemalloc line first, then far more than a pipe holds: an awk that stops reading
        # early makes this ldconfig die of SIGPIPE.
        write(sandbox.bin / "ldconfig", f"""#!/usr/bin/env bash
echo "1000 libs found in cache \\`/etc/ld.so.cache'"
printf '\\tlibjemalloc.so.2 (libc6,x86-64) => {library}\\n'
for i in $(seq 4000); do printf '\\tlibx%05d.so.1 (libc6,x86-64) => /usr/lib/libx%05d.so.1 padding padding\\n' $i $i; done
""")
        result = sandbox.run(["scripts/jemalloc-path.sh"], PATH=f"{sandbox.bin}:/usr/bin:/bin")
        self.assertEqual((result.returncode, result.stdout.strip()), (0, str(library)), result.stderr)


class HogTests(unittest.TestCase):
    def test_check_false_failures_stops_when_the_hog_dies(self):
        sandbox = Sandbox(self, "scripts/check-false-failures.sh", "scripts/memory-hog.c")
        # `check --list-regressions` names one regression (the script reads the list first);
        # every check run passes after 0.3 s.
        write(sandbox.root / ".build/release/lbbench",
              '#!/bin/sh\ncase "$*" in *--list-regressions*) echo "p2c-scan 2b";; *) sleep 0.3;; esac\n')
        process = subprocess.Popen(["scripts/check-false-failures.sh"], cwd=sandbox.root, env=sandbox.env,
                                   start_new_session=True, preexec_fn=default_signals, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            hog = None
            for line in process.stdout:
                if "PID " in line:
                    hog = int(line.split("PID ")[1].split(")")[0])
                    break
            self.assertIsNotNone(hog, "no hog PID printed")
            os.kill(hog, signal.SIGKILL)
            out, err = process.communicate(timeout=30)
            self.assertEqual(process.returncode, 1, out + err)
            self.assertIn("died after run", err)
            self.assertNotIn("false failures:", out)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


if __name__ == "__main__":
    unittest.main()
