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
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
need_apt() { # command-or-library, package
  if ! eval "$1" >/dev/null 2>&1; then
    echo "packaging test: installing $2" >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$2" >/dev/null 2>&1 \
      || { as_root apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$2" >/dev/null 2>&1; } \
      || fail "$2 is needed (apt install $2)"
  fi
}
# The console needs GTK 3 (JavaFX's glass) and a display (Xvfb here).
need_apt "command -v xvfb-run" xvfb
need_apt "ldconfig -p | grep -q libgtk-3.so.0" libgtk-3-0
need_apt "command -v unzip" unzip

if [ "${1:-}" != --no-build ]; then
  packaging/build.sh --skip-maven --image-only || fail "packaging/build.sh failed"
fi
version="$(sed -n 's/^version=//p' target/classes/dev/cutover/version.properties)"
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
JAVA_TOOL_OPTIONS="-Dcutover.smokeTest=true -Dcutover.smokeTest.seconds=180" \
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
