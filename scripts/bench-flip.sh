#!/usr/bin/env bash
# The write pause of `cutover flip-writes` (docs/sync.md, "The write flip") under an application
# writing at a fixed rate, beside a baseline in the same run: the same steps scripted by hand from
# the same parts, with a fresh catch-up stream after the block instead of one kept open across it.
# Prints the machine, each flip (the pause the tool measured and the stall the application saw),
# the medians and the ratio flip-writes/baseline, and checks old and new agree at the end.
# Runs on the tests' own throwaway PostgreSQL servers (target/test-pg/, wal_level=logical).
#
#   scripts/bench-flip.sh
#   BENCH_RATE=1000 BENCH_ROUNDS=5 BENCH_ROWS=100000 scripts/bench-flip.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# FlipBench is a test class of the cli module; its class path comes from the reactor (-am)
mkdir -p target
mvn -q -B -o -pl src/cli -am test-compile dependency:build-classpath -Dmdep.outputFile="$here/target/bench-flip-cp.txt" >&2
exec java -cp "src/cli/target/test-classes:src/cli/target/classes:$(cat target/bench-flip-cp.txt)" dev.cutover.capture.FlipBench
