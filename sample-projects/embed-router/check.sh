#!/usr/bin/env bash
# Proves from the outside that Cutover's router can be embedded (issue 16). Builds and tests this
# sample against the Cutover artifacts in the local Maven repository (`mvn install` at the top of
# the checkout puts them there; scripts/test.sh runs this script right after it), then checks what
# the sample pulls in:
#   - outside the test scope, no org.openjfx, info.picocli, org.jfree (mvn dependency:list);
#   - ch.qos.logback:logback-classic only as the sample's own direct dependency: in the verbose
#     dependency tree (which also shows the copies Maven omitted as duplicates or conflicts) every
#     logback-classic sits at depth 1, so no Cutover artifact brings one;
#   - the sample's direct dependencies outside tests are cutover-router and its own logback-classic.
# Ends with one line: "embed-router: PASS …" (exit 0) or "embed-router: FAIL …" (exit 1).
# Arguments go to Maven (e.g. -o when the plugins are already in the local repository).
set -euo pipefail
cd "$(dirname "$0")"
started=$SECONDS
export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }-Djansi.noreset=true"
mvn=(mvn -B -ntp -Dstyle.color=never "$@")

fail() {
  echo "embed-router: FAIL: $* ($((SECONDS - started)) s)"
  exit 1
}

"${mvn[@]}" clean test || fail "the sample's build or its test failed (Maven's output above)"
"${mvn[@]}" -q dependency:list -DoutputFile=target/dependencies.txt -DappendOutput=false \
  || fail "mvn dependency:list failed"
"${mvn[@]}" -q dependency:tree -Dverbose -DoutputFile=target/dependency-tree.txt -DappendOutput=false \
  || fail "mvn dependency:tree failed"

# dependency:list lines: "   group:artifact:type[:classifier]:version:scope[ -- module …]"
not_test=$(awk 'NF && $1 ~ /^[^:]+:[^:]+:[^:]+:/ { n = split($1, p, ":"); if (p[n] != "test") print $1 }' target/dependencies.txt)
[[ -n $not_test ]] || fail "no dependencies read from target/dependencies.txt"
grep -q '^dev\.cutover:cutover-router:' <<<"$not_test" || fail "cutover-router is not among the sample's dependencies"
forbidden=$(grep -E '^(org\.openjfx|info\.picocli|org\.jfree):' <<<"$not_test" || true)
[[ -z $forbidden ]] || fail "outside the test scope the sample pulls in: $(tr '\n' ' ' <<<"$forbidden")"

# dependency:tree lines after the first: "<prefix of '|  ', '+- ', '\- ', '   ' per level>[(]group:artifact:…:scope[)][ …]"
tree=$(awk 'NR > 1 && NF {
    match($0, /^[|+\\ -]*/); depth = RLENGTH / 3
    c = substr($0, RLENGTH + 1); sub(/^\(/, "", c); split(c, w, " "); sub(/\)$/, "", w[1])
    n = split(w[1], p, ":"); print depth, w[1], p[n]
  }' target/dependency-tree.txt)
[[ -n $tree ]] || fail "no dependency tree read from target/dependency-tree.txt"
transitive_logback=$(awk '$2 ~ /^ch\.qos\.logback:logback-classic:/ && $1 > 1' <<<"$tree")
[[ -z $transitive_logback ]] || fail "logback-classic comes in through another dependency (see target/dependency-tree.txt)"
direct=$(awk '$1 == 1 && $3 != "test" { split($2, p, ":"); print p[1] ":" p[2] }' <<<"$tree" | sort | tr '\n' ' ')
[[ $direct == "ch.qos.logback:logback-classic dev.cutover:cutover-router " ]] \
  || fail "the sample's direct dependencies outside tests are: $direct (expected cutover-router and its own logback-classic)"

echo "embed-router: PASS: router sample built and tested against real PostgreSQL and Redis; $(wc -l <<<"$not_test") dependencies" \
  "outside tests, none from org.openjfx, info.picocli or org.jfree; logback-classic only the sample's own ($((SECONDS - started)) s)"
