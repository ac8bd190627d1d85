#!/usr/bin/env bash
# The whole test suite, as the README and CI run it:
#   1. every unit, differential, exit and stress test (debug build, internal invariant checks on);
#   2. the concurrency stress tests again under ThreadSanitizer (own build folder, so the two
#      builds do not invalidate each other);
#   3. a release smoke run of the command-line tool.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "swift test (all suites)"
swift test

step "swift test --sanitize=thread (concurrency stress tests)"
swift test --sanitize=thread --scratch-path .build-tsan --filter 'Concurrency|Stress'

step "lbbench list (release smoke run)"
swift run -c release lbbench list >/dev/null
