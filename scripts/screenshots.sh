#!/usr/bin/env bash
# Runs the console under Xvfb on a small sample migration and writes one PNG per screen into
# docs/screenshots/ (1280x800, or SIZE=WxH). Needs the services of scripts/services.sh (PostgreSQL, Redis)
# and Debian's xvfb (installed here with apt-get when missing).
#   scripts/screenshots.sh            light theme
#   DARK=1 scripts/screenshots.sh     dark theme (files get a -dark suffix)
#   SIZE=1024x700 scripts/screenshots.sh   the window (and the virtual screen) at that size
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v xvfb-run >/dev/null; then
  echo "installing xvfb" >&2
  apt-get install -y -q xvfb xauth >/dev/null
fi

# everything of this run goes on exit, as scripts/console-walk.sh's clean does: the sample's databases and
# Redis keys, and the temporary folders (the sample's plan and last-seen state, the dark theme's shots)
# and the files the console wrote there
SHOTS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cutover-shots.XXXXXX")
clean() {
  local pg=${CUTOVER_SHOTS_PG:-"postgresql://postgres@127.0.0.1:5432/postgres"}
  local redis=${CUTOVER_SHOTS_REDIS:-"redis://127.0.0.1:6379"}
  psql -q "$pg" -c "DROP DATABASE IF EXISTS cutover_shots_old WITH (FORCE)" \
       -c "DROP DATABASE IF EXISTS cutover_shots_new WITH (FORCE)" >/dev/null 2>&1 || echo "could not drop the cutover_shots_* databases" >&2
  redis-cli -u "$redis" --scan --pattern 'cutover:{shots-demo}:*' 2>/dev/null | while read -r k; do redis-cli -u "$redis" DEL "$k" >/dev/null; done
  rm -rf "$SHOTS_TMP"
}
trap clean EXIT
# mktemp here (the sample's plan and state, the console's temporary profiles) makes its folders under $SHOTS_TMP
export TMPDIR="$SHOTS_TMP"

# shellcheck source=lib/sample-migration.sh
. scripts/lib/sample-migration.sh
sample_migration cutover_shots_old cutover_shots_new shots-demo

SUFFIX=""
EXTRA=()
if [ "${DARK:-}" = 1 ]; then EXTRA+=(--dark); fi
SIZE=${SIZE:-1280x800}
case "$SIZE" in *[!0-9x]*|x*|*x) echo "SIZE must be WIDTHxHEIGHT, e.g. 1024x700, not '$SIZE'" >&2; exit 2 ;; esac
EXTRA+=(--size "$SIZE")
OUT=docs/screenshots
if [ "${DARK:-}" = 1 ]; then OUT=$(mktemp -d); fi
xvfb-run -a -s "-screen 0 ${SIZE}x24" java -Dprism.order=sw -Djava.io.tmpdir="$SHOTS_TMP" -cp "$CP" dev.cutover.ui.ScreenshotTour "$OUT" "${EXTRA[@]}" \
  --plan "$PLAN" \
  --old "jdbc:postgresql://127.0.0.1:5432/$OLD?user=postgres" \
  --new "jdbc:postgresql://127.0.0.1:5432/$NEW?user=postgres" \
  --redis "$REDIS"
if [ "${DARK:-}" = 1 ]; then
  for f in "$OUT"/*.png; do cp "$f" "docs/screenshots/$(basename "${f%.png}")-dark.png"; done
fi
ls -la docs/screenshots
