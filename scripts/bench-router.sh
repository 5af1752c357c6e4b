#!/usr/bin/env bash
# Router benchmark (JMH): cost of a routing decision (Cutover vs a Redis GET per query), read
# throughput through the router vs direct JDBC in old_only, and the caller's write latency p99 in
# dual_write vs a direct write; then how fast the mirror lanes work off a backlog, in transactions of
# up to 64 writes vs one transaction each (MirrorDrainBench). Needs PostgreSQL and Redis
# (scripts/services.sh); creates and drops its own databases. Prints the four ratios last.
#   scripts/bench-router.sh            # ~4 minutes on 2 cores
#   JMH_ARGS="-wi 5 -i 10" scripts/bench-router.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# the benchmarks are the router module's test classes; its class path comes from the reactor (-am)
mkdir -p target
mvn -q -B -DskipTests -pl src/router -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/target/bench-router-cp.txt"
CP="src/router/target/test-classes:src/router/target/classes:$(cat target/bench-router-cp.txt)"
java -cp "$CP" org.openjdk.jmh.Main 'dev\.cutover\.route\.bench\..*Bench\..*' \
  -f 1 -wi 3 -w 2s -i 5 -r 2s -rf json -rff target/bench-router.json ${JMH_ARGS:-}
java -cp "$CP" dev.cutover.route.bench.BenchReport target/bench-router.json
java -cp "$CP" dev.cutover.route.bench.MirrorDrainBench
