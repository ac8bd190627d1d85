#!/usr/bin/env bash
# Installs the real balancers `lbbench-live` runs next to its own proxy: HAProxy and nginx
# (Debian packages `haproxy` and `nginx-light`). Services are not started: lbbench-live runs them
# in the foreground on loopback and stops them by PID. Safe to run again.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"  # Debian installs both there
if command -v haproxy >/dev/null && command -v nginx >/dev/null; then
    echo "haproxy and nginx already installed"; exit 0
fi
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
sudo_if_needed apt-get update -q
# RUNLEVEL=1 makes invoke-rc.d, which Debian's post-install scripts call, leave the services
# stopped (lbbench-live starts its own instances).
sudo_if_needed env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q --no-install-recommends haproxy nginx-light
haproxy -v | head -1
nginx -v
