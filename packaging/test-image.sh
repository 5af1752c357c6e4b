#!/usr/bin/env bash
# The packaging test (run by scripts/test.sh after 'mvn verify'): builds the application image and
# the plain distribution from target/ (packaging/build.sh --skip-maven --image-only), then checks,
# headless under Xvfb, that
#   1. the image's 'cutover --version' prints the version of the build;
#   2. a failing command in the image prints one 'cutover: …' line, exit 2, stdout clean, and the
#      details land in the log file under $XDG_DATA_HOME/cutover/logs;
#   3. the image's console opens its window and closes cleanly (-Dcutover.smokeTest=true);
#   4. the plain distribution (tar.gz) runs 'bin/cutover --version' with the system Java, and its
#      launcher's class data sharing archives never change what a command prints or returns
#      (packaging/test-launcher.sh).
# Prints one line 'packaging test: PASS' or 'packaging test: FAIL: why' and exits 0 or 1.
# Use --no-build to test an image already in target/packaging.
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "packaging test: FAIL: $*"; exit 1; }
# What the image and this test need (scripts/test.sh installs all of it before): the console needs
# GTK 3 (JavaFX's glass), pango and fonts, and a display (Xvfb here); jlink strips with objcopy.
. scripts/lib/packages.sh
need "packaging test" "Xvfb: the console opens on a virtual display" "command -v xvfb-run && command -v xauth" xvfb xauth
need "packaging test" "GTK 3, pango, libXtst (glass links it; GTK does not pull it in) and fonts: the console draws its window with them" \
  "has_lib libgtk-3.so.0 && has_lib libpango-1.0.so.0 && has_lib libXtst.so.6 && fc-list | grep -q ." libgtk-3-0 libxtst6 fonts-dejavu-core
need "packaging test" "binutils: jlink strips the image's Java runtime with objcopy" "command -v objcopy" binutils
need "packaging test" "unzip: the build reads the jars" "command -v unzip" unzip
install_needed "packaging test"

if [ "${1:-}" != --no-build ]; then
  packaging/build.sh --skip-maven --image-only || fail "packaging/build.sh failed"
fi
version="$(cd target/lib && ls cutover-cli-*.jar 2>/dev/null | sed -n 's/^cutover-cli-\(.*\)\.jar$/\1/p' | head -1)"
image=target/packaging/image/cutover
[ -x "$image/bin/cutover" ] || fail "no launcher at $image/bin/cutover"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data"
unset CUTOVER_LOG_DIR JAVA_TOOL_OPTIONS

# 1. version
out="$(timeout 120 "$image/bin/cutover" --version 2>&1)" || fail "image: cutover --version exited $? ($out)"
[ "$out" = "cutover $version" ] || fail "image: cutover --version printed '$out', expected 'cutover $version'"

# 2. one-line error, details in the log file
timeout 120 "$image/bin/cutover" plan check --plan "$tmp/missing.json" >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" = 2 ] || fail "image: failing command exited $status, expected 2"
[ ! -s "$tmp/out" ] || fail "image: failing command wrote to stdout: $(head -3 "$tmp/out")"
[ "$(cat "$tmp/err")" = "cutover: $tmp/missing.json: plan file not found" ] || fail "image: expected one error line, got: $(cat "$tmp/err")"
log="$XDG_DATA_HOME/cutover/logs/cutover.log"
grep -q "PlanException: $tmp/missing.json: plan file not found" "$log" 2>/dev/null || fail "image: no stack trace in $log"

# 3. the console opens and closes
mkdir -p "$tmp/prefs/.java/.userPrefs"   # the console's window positions: here, not in ~/.java
JAVA_TOOL_OPTIONS="-Dcutover.smokeTest=true -Dcutover.smokeTest.seconds=180 -Djava.util.prefs.userRoot=$tmp/prefs" \
  timeout 300 xvfb-run -a "$image/bin/cutover" >"$tmp/console" 2>&1
status=$?
grep -q "smoke test: console window shown" "$tmp/console" || fail "image: the console showed no window (exit $status): $(grep -v '^Picked up' "$tmp/console" | tail -5 | tr '\n' ' ')"
[ "$status" = 0 ] || fail "image: the console did not close cleanly (exit $status): $(tail -5 "$tmp/console" | tr '\n' ' ')"
grep -q "cutover $version started (console)" "$log" || fail "image: the console wrote no log line to $log"

# 4. the plain distribution
tar -C "$tmp" -xzf "target/packaging/cutover-$version.tar.gz" || fail "cannot unpack target/packaging/cutover-$version.tar.gz"
out="$(timeout 120 "$tmp/cutover-$version/bin/cutover" --version 2>&1)" || fail "tar.gz: bin/cutover --version exited $? ($out)"
[ "$out" = "cutover $version" ] || fail "tar.gz: bin/cutover --version printed '$out'"
out="$(cd "$tmp" && timeout 120 java -jar "cutover-$version/cutover.jar" --version 2>&1)" || fail "tar.gz: java -jar cutover.jar --version exited $? ($out)"
[ "$out" = "cutover $version" ] || fail "tar.gz: java -jar cutover.jar --version printed '$out'"
launcher="$(packaging/test-launcher.sh "$tmp/cutover-$version")" || fail "tar.gz: ${launcher#launcher test: FAIL: }"

echo "packaging test: PASS (image $(du -sh "$image" | cut -f1), version, one-line error + log file, console opened and closed, tar.gz runs, launcher archives safe)"
