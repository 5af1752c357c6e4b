#!/usr/bin/env bash
# Control-plane figures: an audited compare-and-set state change vs a plain SET round trip, and
# a metric sample on the router's request path vs a bare LongAdder increment (baseline side by
# side, printed as a ratio). Usage: scripts/bench-control.sh [redis://host:port]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >&2
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.cutover.control.ControlBench "${1:-${CUTOVER_TEST_REDIS_URL:-redis://127.0.0.1:6379}}" 2>/dev/null
