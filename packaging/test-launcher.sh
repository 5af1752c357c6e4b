#!/usr/bin/env bash
# Checks bin/cutover's class data sharing archives in a plain distribution (cutover.jar, lib/ and
# bin/ in one directory; packaging/test-image.sh passes the unpacked tar.gz): whatever state the
# archive is in — none yet, made, truncated, bytes changed, half written by a killed run, stale
# after an upgrade, cache directory unusable, turned off — a command prints exactly what it prints
# without archives and exits with the same status, and a good archive is really used.
#
#   packaging/test-launcher.sh DIST_DIR
#
# Prints 'launcher test: PASS' or 'launcher test: FAIL: why' and exits 0 or 1.
set -uo pipefail
dist="$(cd "${1:?usage: packaging/test-launcher.sh DIST_DIR}" && pwd)"
fail() { echo "launcher test: FAIL: $*"; exit 1; }
[ -x "$dist/bin/cutover" ] && [ -f "$dist/cutover.jar" ] || fail "no bin/cutover and cutover.jar in $dist"

tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
unset CUTOVER_CDS CUTOVER_JAVA_OPTS JAVA_TOOL_OPTIONS
cds="$XDG_CACHE_HOME/cutover/cds"
missing="$tmp/missing.json"
expected="cutover: $missing: plan file not found"

# run WHAT [env...]: 'cutover plan check' of a missing plan must exit 2 with one error line, stdout empty
run() {
  local what="$1"; shift
  env "$@" timeout 120 "$dist/bin/cutover" plan check --plan "$missing" >"$tmp/out" 2>"$tmp/err"
  local status=$?
  [ "$status" = 2 ] || fail "$what: exit $status, expected 2 (stderr: $(head -c 500 "$tmp/err"))"
  [ ! -s "$tmp/out" ] || fail "$what: wrote to stdout: $(head -c 500 "$tmp/out")"
  [ "$(cat "$tmp/err")" = "$expected" ] || fail "$what: stderr was '$(head -c 500 "$tmp/err")', expected one line '$expected'"
}
archive() { ls "$cds"/plan.*.jsa 2>/dev/null | head -1; }

# 1. the first run makes the archive as it exits; the next one keeps it (named with its size) and maps
#    it (the class loading log shows; the same options both times: they are part of the archive's name)
log="CUTOVER_JAVA_OPTS=-Xlog:class+load=info:file=$tmp/classes.txt"
run "first run (no archive yet)" "$log"
ls "$cds"/plan.*.tmp >/dev/null 2>&1 || fail "the first run left no archive in $cds: $(ls -la "$cds" 2>&1)"
run "second run" "$log"
rm -f "$cds"/plan.*.tmp # the archive of the runs without the log option, made below
a="$(archive)"
[ -n "$a" ] || fail "no archive after the second run: $(ls -la "$cds")"
n="${a%.jsa}"
[ "${n##*.}" = "$(stat -c %s "$a")" ] || fail "the archive's name does not carry its size: $a"
grep -q 'dev.cutover.cli.PlanCheckCommand source: shared objects file' "$tmp/classes.txt" \
  || fail "the archive was not used: $(grep 'dev.cutover.cli.PlanCheckCommand' "$tmp/classes.txt")"
[ "$(env XDG_CACHE_HOME="$tmp/cache" "$dist/bin/cutover" --version)" = "$(java -jar "$dist/cutover.jar" --version)" ] \
  || fail "--version prints something else through the launcher"
rm -f "$cds"/*
run "first run without options"; run "second run without options"
a="$(archive)"
[ -n "$a" ] || fail "no archive after two runs: $(ls -la "$cds")"

# 2. a truncated archive (Java 17 would crash on it) is never mapped: removed and made again
chmod u+w "$a"
truncate -s $(( $(stat -c %s "$a") / 2 )) "$a"
run "truncated archive"
[ ! -e "$a" ] || fail "the truncated archive $a is still there"
run "after the truncated archive"
[ -n "$(archive)" ] || fail "no new archive after the truncated one"

# 3. changed bytes, same size: Java sees the checksums don't match and runs without it
a="$(archive)"
chmod u+w "$a"
printf 'ZZZZZZZZZZZZZZZZ' | dd of="$a" bs=1 seek=$(( $(stat -c %s "$a") / 2 )) conv=notrunc 2>/dev/null
run "archive with changed bytes"
rm -f "$a"

# 4. half written by a run killed while it exited (no header yet): never used, removed
run "making a fresh archive"
t="$(ls "$cds"/plan.*.tmp | head -1)"
[ -n "$t" ] || fail "no fresh archive being made"
dead="$(sh -c 'echo $$')"  # a pid that is surely gone
bad="${t%.*.tmp}.$dead.tmp"
mv "$t" "$bad"
chmod u+w "$bad"
dd if=/dev/zero of="$bad" bs=4096 count=1 conv=notrunc 2>/dev/null
run "half-written archive"
[ ! -e "$bad" ] || fail "the half-written archive $bad is still there"
[ -z "$(archive)" ] || fail "a half-written archive was kept as $(archive)"

# 5. stale after an upgrade (another jar): a new archive replaces the old one
run "making an archive"; run "keeping it"
old="$(archive)"
touch -d '+1 min' "$dist/cutover.jar"
run "after an upgrade"; run "keeping the new archive"
[ -n "$(archive)" ] && [ "$(archive)" != "$old" ] && [ ! -e "$old" ] || fail "the stale archive was not replaced: $(ls "$cds")"

# 6. a cache directory that cannot be made, and CDS turned off: the same command, no archive
run "unusable cache directory" XDG_CACHE_HOME=/dev/null
rm -rf "$cds"
run "turned off" CUTOVER_CDS=0
[ ! -e "$cds" ] || [ -z "$(ls -A "$cds")" ] || fail "CUTOVER_CDS=0 still made $(ls "$cds")"

echo "launcher test: PASS (archive made, kept and used; truncated, changed, half-written and stale archives, unusable cache and CDS off all run the same)"
