#!/usr/bin/env bash
# Make sure what the tests talk to is running on loopback: PostgreSQL (trust auth for the
# postgres user on 127.0.0.1:5432), Redis (127.0.0.1:6379) and Debian's Chromium.
# Starts what is installed but down; installs with apt-get what is missing (needs root).
# Quiet when everything is already there.
set -euo pipefail

CHROMIUM="${TELEMON_CHROMIUM:-/usr/bin/chromium}"
APT_UPDATED=0

say() { echo "ensure-services: $*" >&2; }

wait_for_dpkg() {
  # Another apt/dpkg (e.g. unattended upgrades) may hold the lock; wait for it, bounded.
  local waited=0
  command -v fuser >/dev/null || return 0
  while fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1; do
    if ((waited == 0)); then say "waiting for another package manager to finish"; fi
    sleep 5; waited=$((waited + 5))
    if ((waited >= 600)); then say "dpkg is still locked after 10 minutes"; return 1; fi
  done
}

apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    say "missing: $*; install it (as root: apt-get install $*) and run again"; exit 1
  fi
  wait_for_dpkg
  if ((APT_UPDATED == 0)); then
    say "apt-get update"; apt-get update -qq; APT_UPDATED=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_until() { # seconds, description, command...
  local seconds=$1 what=$2; shift 2
  for ((i = 0; i < seconds * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  say "$what did not come up within ${seconds}s"; return 1
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 && psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' ; }

ensure_postgres() {
  if pg_ready >/dev/null 2>&1; then return; fi
  if ! command -v pg_ctlcluster >/dev/null || [[ -z $(ls /etc/postgresql 2>/dev/null) ]]; then
    apt_install postgresql
  fi
  local version hba
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  if [[ -w $hba ]] && ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    # Tests connect as postgres over TCP on loopback without a password, as on CI.
    say "trusting loopback connections in $hba"
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload >/dev/null 2>&1 || true
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  wait_until 30 PostgreSQL pg_ready
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_until 15 Redis sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
}

ensure_chromium() {
  [[ -x $CHROMIUM ]] && return
  wait_for_dpkg  # someone may be installing it right now
  [[ -x $CHROMIUM ]] || apt_install chromium
  [[ -x $CHROMIUM ]] || { say "Chromium is not at $CHROMIUM"; exit 1; }
}

command -v pg_isready >/dev/null || apt_install postgresql-client
command -v redis-cli >/dev/null || apt_install redis-tools
ensure_postgres
ensure_redis
ensure_chromium
