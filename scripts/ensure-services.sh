#!/usr/bin/env bash
# Make sure what the tests talk to is there, on loopback:
#   - PostgreSQL on 127.0.0.1:5432, the postgres user trusted over TCP from loopback;
#   - Redis on 127.0.0.1:6379 (keeps nothing on disk);
#   - Debian's Chromium at ${TELEMON_CHROMIUM:-/usr/bin/chromium}, for the browser tests.
# Starts what is installed but down; installs with apt-get what is missing (that needs root;
# without root it only says what to install). Idempotent, and quiet when everything is there.
# If another apt/dpkg holds the package lock (say, an install already under way), it waits for
# it, up to ENSURE_SERVICES_LOCK_WAIT seconds (default 600), instead of racing it.
set -euo pipefail

CHROMIUM="${TELEMON_CHROMIUM:-/usr/bin/chromium}"
LOCK_WAIT="${ENSURE_SERVICES_LOCK_WAIT:-600}"
PG_HOST=127.0.0.1 PG_PORT=5432
REDIS_HOST=127.0.0.1 REDIS_PORT=6379
APT_UPDATED=0

say() { echo "ensure-services: $*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# --- package installation -------------------------------------------------------------------

dpkg_busy() {
  # Some process has dpkg's or apt's locks open: an apt-get or dpkg run under way.
  if command -v fuser >/dev/null; then
    fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock \
      /var/cache/apt/archives/lock >/dev/null 2>&1
  else
    pgrep -x 'apt|apt-get|dpkg|aptitude|unattended-upgr' >/dev/null 2>&1
  fi
}

wait_for_dpkg() { # [done-test command...]: wait while dpkg is busy, or until the test passes
  local waited=0
  while dpkg_busy; do
    if (($# > 0)) && "$@" >/dev/null 2>&1; then
      say "no need to wait any longer (after ${waited}s)"
      return 0
    fi
    ((waited == 0)) && say "another apt-get/dpkg is running; waiting for it (up to ${LOCK_WAIT}s)"
    ((waited >= LOCK_WAIT)) && die "the package manager is still busy after ${LOCK_WAIT}s"
    sleep 2
    waited=$((waited + 2))
  done
  ((waited == 0)) || say "the package manager is free again (after ${waited}s)"
}

apt_install() { # packages...
  is_root || die "missing: $*. Install it as root (apt-get install $*) and run this again."
  wait_for_dpkg
  export DEBIAN_FRONTEND=noninteractive
  # apt itself also waits for the lock, in case another run grabs it between our check and ours.
  local apt=(apt-get -o "DPkg::Lock::Timeout=$LOCK_WAIT" -q)
  if ((APT_UPDATED == 0)); then
    say "apt-get update"
    "${apt[@]}" update >/dev/null
    APT_UPDATED=1
  fi
  say "installing $* (apt-get install)"
  "${apt[@]}" install -y --no-install-recommends "$@" >/dev/null
}

wait_until() { # seconds description command...
  local seconds=$1 what=$2
  shift 2
  for ((i = 0; i < seconds * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$what is not ready after ${seconds}s"
}

# --- PostgreSQL -----------------------------------------------------------------------------

pg_listening() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
pg_usable() { psql -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null; }

pg_version() { # the newest installed cluster version, e.g. 15
  ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1
}

ensure_pg_trust() { # version: trust the postgres user over TCP from loopback (as on CI)
  local hba=/etc/postgresql/$1/main/pg_hba.conf
  [[ -f $hba ]] || die "no $hba; is the cluster $1/main there? (pg_lsclusters)"
  if grep -qE '^host[[:space:]]+all[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    return 0
  fi
  is_root || die "PostgreSQL asks postgres@127.0.0.1 for a password; as root add to $hba the" \
    "line 'host all postgres 127.0.0.1/32 trust' (above the others) and reload."
  say "trusting loopback TCP connections of the postgres user in $hba"
  # pg_hba.conf is read top-down and the first match wins: put ours first.
  sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
  pg_listening && pg_ctlcluster --skip-systemctl-redirect "$1" main reload >/dev/null 2>&1 || true
}

ensure_postgres() {
  if pg_listening && pg_usable 2>/dev/null; then return 0; fi

  if ! command -v pg_ctlcluster >/dev/null || [[ -z $(pg_version) ]]; then
    apt_install postgresql
  fi
  local version
  version=$(pg_version)
  [[ -n $version ]] || die "PostgreSQL is installed but /etc/postgresql holds no cluster"

  ensure_pg_trust "$version"
  if ! pg_listening; then
    is_root || die "PostgreSQL is down; as root: pg_ctlcluster --skip-systemctl-redirect $version main start"
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
      die "could not start PostgreSQL $version (see /var/log/postgresql/)"
  fi
  wait_until 30 "PostgreSQL on $PG_HOST:$PG_PORT" pg_listening
  # Say why, if it listens but will not let postgres in.
  pg_usable || die "PostgreSQL listens on $PG_HOST:$PG_PORT but 'psql -h $PG_HOST -U postgres' fails"
}

# --- Redis ----------------------------------------------------------------------------------

redis_up() { [[ $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

ensure_redis() {
  if redis_up; then return 0; fi
  command -v redis-server >/dev/null || apt_install redis-server
  is_root || die "Redis is down; start it (as root): redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save ''"
  say "starting Redis on $REDIS_HOST:$REDIS_PORT"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_until 15 "Redis on $REDIS_HOST:$REDIS_PORT" redis_up
}

# --- Chromium -------------------------------------------------------------------------------

chromium_there() { [[ -x $CHROMIUM ]]; }

ensure_chromium() {
  if chromium_there; then return 0; fi
  # Someone may be installing it right now: let that finish rather than race it.
  wait_for_dpkg chromium_there
  chromium_there || apt_install chromium
  chromium_there || die "Chromium is installed, but not at $CHROMIUM (set TELEMON_CHROMIUM)"
}

# --- main -----------------------------------------------------------------------------------

command -v pg_isready >/dev/null && command -v psql >/dev/null || apt_install postgresql-client
command -v redis-cli >/dev/null || apt_install redis-tools
ensure_postgres
ensure_redis
ensure_chromium
