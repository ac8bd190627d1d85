#!/usr/bin/env bash
# The exact policies' cost, A/B between commits (default: 3cae0ef, the commit before the
# weighted tie rule, against HEAD): builds scripts/policy-cost against a worktree of each commit
# (release), runs them interleaved for $ROUNDS rounds (default 5), each round a fresh process,
# and prints, per cell, the median over the rounds of the fastest sample (ns per pick + release)
# and in brackets the fastest round's, then the ratios to the first commit, likewise. Both,
# because a selector is bimodal from process to process: where the allocator puts its arrays and
# lock relative to cache lines moves it between two levels (linear-scan behind the lock at 8
# servers: 13.9 or 18.8 ns, the same binary), so a median of few rounds can land on either.
# Each exact policy is measured twice: alone (`linear-scan`), and behind the default lock
# (`linear-scan+lock`), as the SingleThread suite's default rows run it, through the concrete
# selector type (the suite itself reached selectors through an existential before the
# registration refactor, so running it at 3cae0ef compares more than the policies). Then
# round-robin, atomic-scan, sharded and p2c, each through its concrete type, as the suite calls
# them.
# Usage: [ROUNDS=n] scripts/policy-cost.sh [COMMIT ...]   (ROUNDS 1 to 100; about 2 minutes of
# builds per commit, half a minute per commit and round)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
rounds=${ROUNDS:-5}
if ! [[ $rounds =~ ^[0-9]{1,3}$ ]] || (( 10#$rounds < 1 || 10#$rounds > 100 )); then
    echo "policy-cost.sh: ROUNDS $rounds: must be a whole number in 1...100" >&2; exit 64
fi
rounds=$((10#$rounds))
commits=("$@")
[ ${#commits[@]} -gt 0 ] || commits=(3cae0ef HEAD)
for commit in "${commits[@]}"; do
    git rev-parse --quiet --verify "$commit^{commit}" >/dev/null \
        || { echo "policy-cost.sh: COMMIT $commit: not a commit of this repository" >&2; exit 64; }
done
work=$(mktemp -d /tmp/lbbench-policy-cost.XXXXXX)
cleanup() {
    for index in "${!commits[@]}"; do git worktree remove --force "$work/checkout-$index" 2>/dev/null || true; done
    rm -rf "$work"
    git worktree prune
}
trap cleanup EXIT
for index in "${!commits[@]}"; do
    git worktree add --detach "$work/checkout-$index" "${commits[$index]}" >/dev/null
    cp -R scripts/policy-cost "$work/program-$index"
    LBBENCH_CHECKOUT="$work/checkout-$index" swift build -c release --package-path "$work/program-$index" >/dev/null
done
for ((round = 1; round <= rounds; round++)); do
    for index in "${!commits[@]}"; do
        "$work/program-$index/.build/release/policy-cost" | sed "s/^/$index /"
    done
done > "$work/samples.txt"
python3 - "$work/samples.txt" "${commits[@]}" <<'PY'
import collections, statistics, sys
samples, commits = sys.argv[1], sys.argv[2:]
fastest = collections.defaultdict(list)
for line in open(samples):
    index, selector, servers, weights, best = line.split()[:5]
    fastest[(selector, int(servers), weights, int(index))].append(float(best))
if not fastest:
    raise SystemExit("policy-cost.sh: the programs printed no samples")
cells = sorted({key[:3] for key in fastest})
print("| selector | servers | weights | " + " | ".join(commits) + " | "
      + " | ".join(f"{c} ÷ {commits[0]}" for c in commits[1:]) + " |")
print("|---|--:|---|" + "--:|" * (2 * len(commits) - 1))
for cell in cells:
    medians = [statistics.median(fastest[cell + (index,)]) for index in range(len(commits))]
    minima = [min(fastest[cell + (index,)]) for index in range(len(commits))]
    values = [f"{m:.1f} ({f:.1f})" for m, f in zip(medians, minima)]
    ratios = [f"{m / medians[0]:.2f} ({f / minima[0]:.2f})" for m, f in zip(medians[1:], minima[1:])]
    print(f"| {cell[0]} | {cell[1]} | {cell[2]} | " + " | ".join(values) + " | " + " | ".join(ratios) + " |")
PY
