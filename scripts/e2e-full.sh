#!/usr/bin/env bash
# The end-to-end proof at full size: the saas-orders sample (1,000,000 orders, 500 tenants) migrated
# plan check → backfill → dual_write → verify/repair → shadow_read → traffic 1→5→25→50→100 % →
# new_primary → cleanup while the sample application runs at 2,000 requests/s, with faults: the
# backfill killed and resumed, the new database's connections killed for seconds and its backends
# paused (SIGSTOP), Redis restarted. Prints p99 latency per phase and the three figures of the
# proof (failed requests, verify differences, acknowledged writes missing); exit 0 when all are 0.
#
# --sync: the same proof with change capture instead of the router (the application writes the old
# database with plain JDBC; backfill --with-sync, cutover sync under the faults and killed, then
# flip-writes to the new database — the move to new_primary, recorded and audited — and back); it
# needs wal_level=logical, and runs on two throwaway servers of its own when the local server lacks
# it (docs/demo.md, "The sync proof"). The same application in the console: bin/cutover demo --sync.
#
# Recreates the databases cutover_demo_old / cutover_demo_new on the local server; uses a private
# redis-server on a free port. Options are passed to `cutover demo-e2e` (e.g. --orders 200000
# --rate 1000 --dwell 10, --sync); see `bin/cutover demo-e2e --help`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/services.sh" >/dev/null
export CUTOVER_JAVA_OPTS="${CUTOVER_JAVA_OPTS:--Xmx2g}"
exec "$here/bin/cutover" demo-e2e "$@"
