#!/usr/bin/env bash
# Control-plane figures: an audited compare-and-set state change vs a plain SET round trip, and
# a metric sample on the router's request path vs a bare LongAdder increment (baseline side by
# side, printed as a ratio). Usage: scripts/bench-control.sh [redis://host:port]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# ControlBench is an engine test class; its class path comes from the reactor (-am: the engine comes last)
mkdir -p target
mvn -q -B -o -pl src/engine -am test-compile dependency:build-classpath -Dmdep.outputFile="$here/target/bench-classpath.txt" >&2
java -cp "src/engine/target/test-classes:src/engine/target/classes:$(cat target/bench-classpath.txt)" dev.cutover.control.ControlBench "${1:-${CUTOVER_TEST_REDIS_URL:-redis://127.0.0.1:6379}}" 2>/dev/null
