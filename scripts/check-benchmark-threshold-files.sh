#!/usr/bin/env bash
# Fails when a row of a gated benchmark suite has no threshold file under
# Benchmarks/Thresholds/. package-benchmark 1.38.1's `thresholds check` silently skips a row
# without one (it treats a missing file as "no thresholds"), so without this check a new
# selector, workload or lock row would never be gated. Run it before `thresholds check`
# (scripts/test.sh does); `scripts/update-benchmark-thresholds.sh` writes the missing files.
#
# Usage: scripts/check-benchmark-threshold-files.sh [TARGET...]   (default: SingleThread Contention Fairness)
# Exits 0 when every row has its file, 1 (listing the rows) when some do not, 2 when the suites
# could not be listed.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(SingleThread Contention Fairness); fi
target_options=()
for target in "${targets[@]}"; do target_options+=(--target "$target"); done

# `list` prints, per suite, "Target 'NAME' available benchmarks:", one row name a line, then a
# blank line.
if ! listing=$(swift package benchmark list "${target_options[@]}" --no-progress 2>&1); then
    printf '%s\n' "$listing" >&2
    echo "check-benchmark-threshold-files: could not list the benchmark rows" >&2
    exit 2
fi
rows=0
missing=()
target=""
while IFS= read -r line; do
    if [[ $line =~ ^Target\ \'([^\']+)\'\ available\ benchmarks:$ ]]; then
        target=${BASH_REMATCH[1]}
    elif [ -z "$line" ]; then
        target=""
    elif [ -n "$target" ]; then
        rows=$((rows + 1))
        file="Thresholds/$target.$line.p90.json"
        if [ ! -f "$file" ]; then missing+=("$file"); fi
    fi
done <<<"$listing"

if [ "$rows" -eq 0 ]; then
    echo "check-benchmark-threshold-files: no benchmark rows listed for ${targets[*]}" >&2
    exit 2
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "check-benchmark-threshold-files: ${#missing[@]} of $rows rows have no threshold file, so nothing would check them:" >&2
    printf '  Benchmarks/%s\n' "${missing[@]}" >&2
    echo "Run scripts/update-benchmark-thresholds.sh and commit the files it writes." >&2
    exit 1
fi
echo "every one of $rows benchmark rows (${targets[*]}) has its threshold file"
