#!/usr/bin/env bash
# Makes sure a PostgreSQL (15 or newer) and a Redis are running on localhost for
# the tests and the demo: installs them with apt where missing (when root),
# starts them where stopped, and is a quick no-op where they already answer.
# Prints the URLs the tests use. Honours CUTOVER_TEST_PG_URL / CUTOVER_TEST_REDIS_URL.
set -euo pipefail

PG_URL="${CUTOVER_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}"
REDIS_URL="${CUTOVER_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

say() { echo "services: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

# --- PostgreSQL ---------------------------------------------------------------
if [ -n "${CUTOVER_TEST_PG_URL:-}" ]; then
  say "PostgreSQL given by CUTOVER_TEST_PG_URL, not managed here"
elif pg_ready; then
  :
else
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    say "installing PostgreSQL"; apt_install postgresql postgresql-client
  fi
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if [ "$ver" -lt 15 ]; then say "PostgreSQL $ver found, 15 or newer needed"; exit 1; fi
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then as_root pg_createcluster "$ver" main >/dev/null; fi
  cluster_ver=$(pg_lsclusters -h | awk '{print $1}' | sort -n | tail -1)
  conf=/etc/postgresql/$cluster_ver/main
  # Tests connect over TCP as postgres without a password (local test machines only).
  if ! grep -q "cutover-test" "$conf/pg_hba.conf" 2>/dev/null; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust # cutover-test\nhost all all ::1/128 trust # cutover-test\nlocal all all trust # cutover-test' "$conf/pg_hba.conf"
  fi
  say "starting PostgreSQL $cluster_ver"
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_ver" main start || as_root pg_ctlcluster "$cluster_ver" main start
  for _ in $(seq 1 60); do pg_ready && break; sleep 0.5; done
  pg_ready || { say "PostgreSQL did not come up"; exit 1; }
fi

# --- Redis --------------------------------------------------------------------
if [ -n "${CUTOVER_TEST_REDIS_URL:-}" ]; then
  say "Redis given by CUTOVER_TEST_REDIS_URL, not managed here"
elif redis_ready; then
  :
else
  if ! command -v redis-server >/dev/null; then say "installing Redis"; apt_install redis-server; fi
  mkdir -p /tmp/cutover-redis
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/cutover-redis --logfile /tmp/cutover-redis/redis.log
  for _ in $(seq 1 40); do redis_ready && break; sleep 0.25; done
  redis_ready || { say "Redis did not come up"; exit 1; }
fi

# Tools the build and the tests use: a JDK 17+, Maven, redis-server (tests start private servers
# to kill and restart), psql (benchmarks).
command -v redis-server >/dev/null || apt_install redis-server
command -v psql >/dev/null || apt_install postgresql-client
command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null || apt_install maven

echo "CUTOVER_TEST_PG_URL=$PG_URL"
echo "CUTOVER_TEST_REDIS_URL=$REDIS_URL"
