#!/usr/bin/env bash
# Prints the path of jemalloc's shared library (from Debian's libjemalloc-dev), installing the
# package with apt-get when it is missing. Used by scripts/publish-results.sh (the allocator
# row) and .ci/run. Exits non-zero, saying why, when it can neither find nor install it.
set -euo pipefail

find_library() {
    ldconfig -p 2>/dev/null | awk '/libjemalloc\.so\.2 /{print $NF; exit}'
}

library=$(find_library)
if [ -z "$library" ]; then
    echo "jemalloc not found; installing libjemalloc-dev with apt-get" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libjemalloc-dev >&2
    library=$(find_library)
fi
if [ -z "$library" ] || [ ! -e "$library" ]; then
    echo "cannot find libjemalloc.so.2 even after installing libjemalloc-dev" >&2
    exit 1
fi
echo "$library"
