#!/usr/bin/env bash
# The README's test command. On a Debian/Ubuntu machine it
#   1. installs the Debian packages the build and the tests need, where missing (as root, or
#      through sudo when it asks no password; otherwise it prints the list to install by hand):
#      a JDK 17, Maven, PostgreSQL's server binaries, redis-server, GTK 3/pango/fonts, binutils,
#      Xvfb, unzip, openssl — each announced with what it is for;
#   2. builds and runs every test of every module, and installs the modules into the local Maven
#      repository (mvn install: the embed-router sample builds against them). The tests start throwaway PostgreSQL servers and a
#      Redis of their own under target/ and stop them at the end: no system PostgreSQL or Redis is
#      used, started or reconfigured, nothing in /etc changes (CUTOVER_TEST_PG_URL /
#      CUTOVER_TEST_REDIS_URL name servers of your own instead, see docs/troubleshooting.md);
#   3. builds and tests sample-projects/embed-router against the installed router and checks what it pulls in (check.sh);
#   4. builds the application image from that build and tests it headless (packaging/test-image.sh).
# Arguments go to Maven (e.g. -Dtest=CliTest -Dsurefire.failIfNoSpecifiedTests=false).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh

need test.sh "a JDK 17 to build and run (javac, jlink, jpackage)" has_javac17 openjdk-17-jdk-headless
need test.sh "Maven, the build" "command -v mvn" maven
need test.sh "PostgreSQL's server binaries: the tests run throwaway servers of their own under target/ (Debian's package also sets up its default cluster on port 5432; nothing here uses or changes it)" \
  has_pg_server POSTGRESQL_SERVER
need test.sh "redis-server: the tests run private Redis servers (Debian's package also starts one on port 6379; nothing here uses it)" \
  "command -v redis-server" redis-server
need test.sh "GTK 3, pango, libXtst (glass links it; GTK does not pull it in) and fonts: the console (JavaFX) and its tests lay out and draw text with them" \
  "has_lib libgtk-3.so.0 && has_lib libpango-1.0.so.0 && has_lib libXtst.so.6 && fc-list | grep -q ." libgtk-3-0 libxtst6 fonts-dejavu-core
need test.sh "binutils: jlink strips the application image's Java runtime with objcopy" "command -v objcopy" binutils
need test.sh "Xvfb: the packaging test opens the console on a virtual display" \
  "command -v xvfb-run && command -v xauth" xvfb xauth
need test.sh "unzip and openssl: the packaging test reads the jars, the Redis TLS test makes certificates" \
  "command -v unzip && command -v openssl" unzip openssl
install_needed test.sh

# -B -ntp: no progress bars, no download lines; no colour codes in the output (and none of the
# terminal resets Maven's console library writes at exit: jansi.noreset)
export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }-Djansi.noreset=true"
mvn -B -ntp -Dstyle.color=never install "$@"
echo "test.sh: the embed-router sample: an application embedding the router, built against the modules just installed"
sample-projects/embed-router/check.sh
exec packaging/test-image.sh
