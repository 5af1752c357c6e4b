#!/usr/bin/env bash
# Change capture figures: `cutover sync` (through a plan with a real transform) beside PostgreSQL's
# own logical replication (CREATE PUBLICATION + CREATE SUBSCRIPTION into an untransformed copy),
# in one run under the same fixed-rate pgbench load, stepped up until a consumer's lag p99 reaches
# 1 s or pgbench cannot reach the rate. Prints the machine first, then a table of the steps, then
# the highest rate each sustains with lag p99 < 1 s and the ratio Cutover/native (docs/bench-sync.md).
# Runs on the tests' own throwaway PostgreSQL servers (target/test-pg/, wal_level=logical).
#
#   scripts/bench-sync.sh
#   BENCH_RATES=250,500,1000,2000 BENCH_STEP_SECONDS=15 BENCH_SAMPLE_RATE=200 BENCH_CLIENTS=8 scripts/bench-sync.sh
#
# The child `cutover sync`'s output is in target/bench-sync/sync.log, pgbench's in target/bench-sync/pgbench.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# SyncBench is a test class of the cli module (it runs `cutover sync` as a child process); its class
# path comes from the reactor (-am: the cli module comes last)
mkdir -p target
mvn -q -B -o -pl src/cli -am test-compile dependency:build-classpath -Dmdep.outputFile="$here/target/bench-sync-cp.txt" >&2
rm -f target/bench-sync/pgbench.log target/bench-sync/sync.log
exec java -cp "src/cli/target/test-classes:src/cli/target/classes:$(cat target/bench-sync-cp.txt)" dev.cutover.capture.SyncBench
