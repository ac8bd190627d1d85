# Sourced by the scripts that publish under results/ (publish-results.sh, publish-live.sh,
# scaling-run.sh): the machine's name in a folder name, and a new folder made atomically.

# machine_name SCRIPT: prints LBBENCH_MACHINE when set, else the CPU model and core count in
# lower case with dashes ("amd-epyc-2cores"). LBBENCH_MACHINE becomes part of a folder name that
# the script removes when its run fails, so it must be one plain folder-name component: 1 to 80
# characters of a-z, 0-9, '.', '_' and '-', starting with a letter or a digit (no '/', no '..').
# Otherwise it prints one line naming it and exits 64 (use it as machine=$(machine_name NAME);
# `set -e` then stops the script with 64).
machine_name() {
    local machine=${LBBENCH_MACHINE:-} cpu
    if [ -n "$machine" ]; then
        if ! [[ $machine =~ ^[a-z0-9][a-z0-9._-]{0,79}$ ]]; then
            echo "$1: LBBENCH_MACHINE '$machine': must be 1 to 80 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit (one folder name)" >&2
            exit 64
        fi
    else
        cpu=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
        machine=$(echo "${cpu:-unknown} $(nproc)cores" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//')
    fi
    echo "$machine"
}

# new_folder PATH: makes PATH, or when it exists PATH-HHMM (UTC), else PATH-HHMM-2 … PATH-HHMM-9,
# each with a plain `mkdir` (atomic: a folder another run made or published is never taken
# over), and prints the one it made. Fails, saying so, when all of them exist.
new_folder() {
    local base=$1 suffix candidate
    mkdir -p "$(dirname "$base")"
    suffix=$(date -u +%H%M)
    for candidate in "$base" "$base-$suffix" "$base-$suffix-"{2..9}; do
        if mkdir "$candidate" 2>/dev/null; then echo "$candidate"; return 0; fi
    done
    echo "${0##*/}: $base, $base-$suffix and $base-$suffix-2 … -9 all exist" >&2
    return 1
}
