#!/usr/bin/env bash
# Checks that the PostgreSQL and Redis the developer scripts use (scripts/e2e-full.sh, the
# benchmarks, scripts/screenshots.sh) answer: CUTOVER_DEMO_PG_URL's server (default 127.0.0.1:5432,
# user postgres) and CUTOVER_DEMO_REDIS_URL's (default 127.0.0.1:6379). It installs, starts and
# reconfigures nothing: a script must not change the security of the machine it runs on (it used to
# add 'trust' lines to pg_hba.conf). Exit 1 with one line per missing server.
# The tests do not need it: they start throwaway servers of their own (scripts/test.sh).
set -uo pipefail

PG_URL="${CUTOVER_DEMO_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}"
REDIS_URL="${CUTOVER_DEMO_REDIS_URL:-redis://127.0.0.1:6379}"
hostport() { sed -E 's#^[a-z:]+//([^@/]*@)?([^/:?]+)(:([0-9]+))?.*#\2 \4#' <<<"$1"; }
answers() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

rc=0
read -r h p <<<"$(hostport "$PG_URL")"
answers "$h" "${p:-5432}" || { echo "services: no PostgreSQL answers at $h:${p:-5432} (CUTOVER_DEMO_PG_URL); start one, or set CUTOVER_DEMO_PG_URL" >&2; rc=1; }
read -r h p <<<"$(hostport "$REDIS_URL")"
answers "$h" "${p:-6379}" || { echo "services: no Redis answers at $h:${p:-6379} (CUTOVER_DEMO_REDIS_URL); start one, or set CUTOVER_DEMO_REDIS_URL" >&2; rc=1; }
exit $rc
