#!/usr/bin/env bash
# Prints the path of jemalloc's shared library (from Debian's libjemalloc-dev), installing the
# package with apt-get when it is missing. Used by scripts/publish-results.sh (the allocator
# row) and .ci/run. Exits non-zero, saying why, when it can neither find nor install it.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"  # Debian's ldconfig is in /sbin, not on a non-root user's PATH
command -v ldconfig >/dev/null || { echo "jemalloc-path.sh: no ldconfig to find libjemalloc.so.2 with" >&2; exit 1; }

# awk reads all of ldconfig's output (an early exit would close the pipe, and a large cache
# would kill ldconfig with SIGPIPE, which pipefail turns into a failure).
find_library() {
    ldconfig -p 2>/dev/null | awk '/libjemalloc\.so\.2 / && !found {found = $NF} END {print found}'
}

library=$(find_library)
if [ -z "$library" ]; then
    echo "jemalloc not found; installing libjemalloc-dev with apt-get" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc-dev >&2  # env: sudo resets the environment
    library=$(find_library)
fi
if [ -z "$library" ] || [ ! -e "$library" ]; then
    echo "cannot find libjemalloc.so.2 even after installing libjemalloc-dev" >&2
    exit 1
fi
echo "$library"
