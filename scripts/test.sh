#!/usr/bin/env bash
# The whole test suite, as the README and CI run it. Exits non-zero on the first failure.
#   1. every unit, differential, exhaustive, exit, stress and simulator-validation test (debug
#      build, the data structures' internal invariant checks on);
#   1b. the library's API documentation (DocC), a warning failing it (a ``symbol`` link that
#      resolves to nothing, a parameter left undocumented);
#   2. the concurrency tests again under ThreadSanitizer (own build folder, so the two builds
#      do not invalidate each other);
#   3. release build: a --quick harness run of the default matrix (exits 70 if a selector
#      leaks a connection), `lbbench check` (the project's claims as in-run ratios; exits 1 if
#      one fails) and `lbbench simulate --validate` (the simulator against queueing theory);
#   4. the tests of the scripts that publish results (python3 scripts/test_results_scripts.py)
#      and of the shell scripts' guarantees, with stubs (python3 scripts/test_shell_scripts.py:
#      Ctrl-C/SIGTERM stop a bounded run, bad input exits 64 before any build, an unusable
#      threshold file fails its check); then the lbbench-live smoke test (bad input exits 64;
#      a short run through lbbench's proxy, and HAProxy and nginx when installed, answers every
#      request; nothing is left running);
#   5. the package-benchmark thresholds: every row has a threshold file that parses and names
#      the suite's gated metrics (a row without one would go unchecked), pick and release
#      allocate nothing, on one thread and with two at work on one selector, and the
#      deterministic fairness figures are unchanged (Benchmarks/Thresholds/).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

# Each step prints its wall-clock time when the next one starts; the total comes last.
started_at=$SECONDS
step_name=""
step_started=$SECONDS
finish_step() {
    if [ -n "$step_name" ]; then printf '<== %s: %d s\n' "$step_name" $((SECONDS - step_started)); fi
}
step() {
    finish_step
    step_name="$*"
    step_started=$SECONDS
    printf '\n==> %s\n' "$*"
}
# On the way out, passed or failed: the last step's time and the total.
on_exit() {
    local status=$?
    finish_step
    local total=$((SECONDS - started_at))
    local verdict="All steps passed"
    if [ "$status" -ne 0 ]; then verdict="FAILED (exit $status) at: $step_name"; fi
    printf '\n%s; total %d s (%d min %d s).\n' "$verdict" "$total" $((total / 60)) $((total % 60))
}
trap on_exit EXIT

step "swift test (all suites)"
swift test

step "API documentation (DocC; a warning fails it)"
swift package generate-documentation --target LoadBalancing --warnings-as-errors >/dev/null

step "swift test --sanitize=thread (concurrency tests)"
# The suites whose code runs on more than one thread: the selectors under real threads, the
# harness's workers (HarnessTests) and its thread timing (OnCPUDiagnosisTests), the file writers,
# the simulator's parallel statistics, and all of lbbench-live (SwiftNIO event loops). The rest of
# LBHarnessTests (command lines, reports, decoding the published results) runs on one thread and
# took 330 CPU-s here under ThreadSanitizer for nothing it could find.
swift test --sanitize=thread --scratch-path .build-tsan \
    --filter 'ConcurrencyStressTests|DrainUnderLoadTests|LockFreeSelectorTests|ThreadSlotsTests|LockTests|LBHarnessTests\.(HarnessTests|OnCPUDiagnosisTests|WorkerCoordinationTests|WorkerLoopTests)/|CombiningSelectorTests|ShardedHerdingTests|ShardedTieTests|RoundRobinBlockTests|PartitionedSelectorTests|PickRandomTests|OutputSafetyTests|AtomicFileTests|LBLiveTests|StatisticsConcurrencyTests'

step "lbbench --quick (release; fails on a leaked connection)"
swift build -c release
.build/release/lbbench --quick >/dev/null

step "lbbench check (the claims, as ratios measured in one run)"
.build/release/lbbench check

step "lbbench simulate --validate (the simulator against queueing theory)"
.build/release/lbbench simulate --validate >/dev/null

step "results scripts (published cells told apart, connection-cap note, results/README.md index) and shell scripts (stubs)"
python3 scripts/test_results_scripts.py
python3 scripts/test_shell_scripts.py

step "lbbench-live smoke test (real sockets on loopback; HAProxy and nginx when installed)"
scripts/live-smoke.sh

step "benchmark thresholds (every row has its file; mallocs 0, one thread and two; deterministic fairness unchanged)"
# An existing Benchmarks/.build plans its path dependency (the package above) once and does not
# see source files added to it since; removing the plan makes SwiftPM plan again (a no-op on a
# fresh clone; the build stays incremental).
rm -f Benchmarks/.build/*/release/description.json
scripts/check-benchmark-threshold-files.sh SingleThread Contention Fairness
(cd Benchmarks && LBBENCH_BENCHMARK_SECONDS=0.1 swift package benchmark thresholds check --target SingleThread --target Contention --target Fairness --no-progress)
