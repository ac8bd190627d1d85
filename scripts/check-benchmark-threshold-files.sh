#!/usr/bin/env bash
# Fails when a row of a gated benchmark suite has no threshold file under
# Benchmarks/Thresholds/. package-benchmark 1.38.1's `thresholds check` silently skips a row
# without one (it treats a missing file as "no thresholds"), so without this check a new
# selector, workload or lock row would never be gated. Run it before `thresholds check`
# (scripts/test.sh does); `scripts/update-benchmark-thresholds.sh` writes the missing files.
#
# A file that is there but unusable un-gates its row just as silently: 1.38.1 reads a file that
# does not decode as {"metric": integer, …} as no thresholds (it prints "Failed to read file"
# and goes on), an empty {} too, and checks only the metrics named in it, so a misspelt or
# missing key gates nothing. So each file must also parse as a JSON object of integers holding
# the suite's gated metrics (those scripts/update-benchmark-thresholds.sh keeps):
#   SingleThread, Contention: mallocCountTotal
#   Fairness:                 jainLoadPermille, peakToMeanLoadPermille, leakedConnections
# (another target: any non-empty object of integers).
#
# Usage: scripts/check-benchmark-threshold-files.sh [TARGET...]   (default: SingleThread Contention Fairness)
# Exits 0 when every row has a usable file, 1 (listing the files) when some are missing or
# unusable, 2 when the suites could not be listed.
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
present=()
target=""
while IFS= read -r line; do
    if [[ $line =~ ^Target\ \'([^\']+)\'\ available\ benchmarks:$ ]]; then
        target=${BASH_REMATCH[1]}
    elif [ -z "$line" ]; then
        target=""
    elif [ -n "$target" ]; then
        rows=$((rows + 1))
        file="Thresholds/$target.$line.p90.json"
        if [ ! -f "$file" ]; then missing+=("$file"); else present+=("$file"); fi
    fi
done <<<"$listing"

if [ "$rows" -eq 0 ]; then
    echo "check-benchmark-threshold-files: no benchmark rows listed for ${targets[*]}" >&2
    exit 2
fi
unusable=""
if [ ${#present[@]} -gt 0 ]; then
    unusable=$(python3 - "${present[@]}" <<'PYTHON'
import json, sys
gated = {"SingleThread": ["mallocCountTotal"], "Contention": ["mallocCountTotal"],
         "Fairness": ["jainLoadPermille", "peakToMeanLoadPermille", "leakedConnections"]}
for path in sys.argv[1:]:
    target = path.split("/")[-1].split(".")[0]
    try:
        with open(path, encoding="utf-8") as file:
            values = json.load(file)
    except (OSError, ValueError) as error:
        print(f"Benchmarks/{path}: does not parse as JSON ({error})")
        continue
    if not isinstance(values, dict) or not values:
        print(f"Benchmarks/{path}: " + ("empty {}: gates nothing" if isinstance(values, dict) else "not a JSON object"))
        continue
    # bool is an int in Python, not in the reader's JSONDecoder.
    problems = [f"{key} is {json.dumps(value)}, not an integer" for key, value in values.items() if type(value) is not int]
    problems += [f"no {key}" for key in gated.get(target, []) if key not in values]
    if problems:
        print(f"Benchmarks/{path}: " + "; ".join(problems))
PYTHON
)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "check-benchmark-threshold-files: ${#missing[@]} of $rows rows have no threshold file, so nothing would check them:" >&2
    printf '  Benchmarks/%s\n' "${missing[@]}" >&2
fi
if [ -n "$unusable" ]; then
    echo "check-benchmark-threshold-files: $(grep -c . <<<"$unusable") threshold files would gate their rows on nothing (package-benchmark 1.38.1 reads them as no thresholds):" >&2
    sed 's/^/  /' <<<"$unusable" >&2
fi
if [ ${#missing[@]} -gt 0 ] || [ -n "$unusable" ]; then
    echo "Run scripts/update-benchmark-thresholds.sh and commit the files it writes." >&2
    exit 1
fi
echo "every one of $rows benchmark rows (${targets[*]}) has a threshold file that gates it"
