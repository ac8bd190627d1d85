#!/usr/bin/env bash
# Installs the real balancers `lbbench-live` runs next to its own proxy: HAProxy and nginx
# (Debian packages `haproxy` and `nginx-light`). Services are not started: lbbench-live runs them
# in the foreground on loopback and stops them by PID. Safe to run again.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"  # Debian installs both there
missing=()   # the commands (and services) missing
packages=()  # their Debian packages: only these are installed, an existing one is not upgraded
command -v haproxy >/dev/null || { missing+=(haproxy); packages+=(haproxy); }
command -v nginx >/dev/null || { missing+=(nginx); packages+=(nginx-light); }
if [ ${#missing[@]} -eq 0 ]; then
    echo "haproxy and nginx already installed"; exit 0
fi
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# Debian's post-install scripts start the services through invoke-rc.d (deb-systemd-invoke under
# systemd) unless /usr/sbin/policy-rc.d answers 101, "action forbidden": nginx's default site
# would listen on port 80 of every interface. So one is put in place for the install, unless
# the machine has its own, and removed afterwards, also on failure.
policy=/usr/sbin/policy-rc.d
made_policy=""
remove_policy() { if [ -n "$made_policy" ]; then sudo_if_needed rm -f "$policy"; fi; }
trap remove_policy EXIT
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/install-live-peers.sh: no service starts while it installs\nexit 101\n' \
        | sudo_if_needed tee "$policy" >/dev/null
    sudo_if_needed chmod 755 "$policy"
    made_policy=1
fi
sudo_if_needed apt-get update -q
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
# Under systemd the packages also enable their units for the next boot; this script installed
# them for lbbench-live only, so the services it installed stay off (those already there are
# left as they were).
if [ -n "$made_policy" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    for service in "${missing[@]}"; do sudo_if_needed systemctl disable "$service" >/dev/null 2>&1 || true; done
fi
haproxy -v | head -1
nginx -v
