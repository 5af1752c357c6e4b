#!/usr/bin/env bash
# Drives the console as a DBA would, under a real window manager: Xvfb with openbox on display
# :93 (WALK_DISPLAY), the console on the sample migration of scripts/screenshots.sh (databases
# cutover_walk_old/new and migration walk-demo on the machine's PostgreSQL and Redis, its own names),
# the window resized with xdotool. Installs openbox, xdotool and imagemagick (import) when missing.
# The console keeps its settings (window size, last plan, theme; connection profiles) under target/walk, not the user's.
#   scripts/console-walk.sh start [WxH] [PHASE]   sample data, X server, window manager, console; window at WxH (1024x700);
#                                                PHASE planning: a fresh migration (no control state, no router), else traffic_shift at 5 %
#   scripts/console-walk.sh shot NAME      a PNG of the whole screen in target/walk/NAME.png
#   scripts/console-walk.sh click X Y      a click at X,Y of the console window (xdotool, window-relative)
#   scripts/console-walk.sh stop           closes the console, the window manager and the X server it started
#   scripts/console-walk.sh clean          stop, then drop the sample's databases and Redis keys, and remove target/walk
# Between start and stop, drive it with xdotool (DISPLAY=:93): mousemove, click, type, key, and look at the shots.
set -euo pipefail
cd "$(dirname "$0")/.."
export DISPLAY=${WALK_DISPLAY:-:93}
RUN=target/walk
mkdir -p "$RUN"

need() { command -v "$1" >/dev/null || { echo "installing $2" >&2; apt-get install -y -q "$2" >/dev/null; }; }

window() { xdotool search --sync --onlyvisible --name '^Cutover' | head -1; }

geometry() { xdotool getwindowgeometry "$1" | sed -n 's/^ *Geometry: *//p'; }

stop() {
  for p in console openbox xvfb; do
    if [ -f "$RUN/$p.pid" ]; then kill "$(cat "$RUN/$p.pid")" 2>/dev/null || true; rm -f "$RUN/$p.pid"; fi
  done
}

case "${1:-}" in
  start)
    SIZE=${2:-1024x700}
    case "$SIZE" in *[!0-9x]*|x*|*x) echo "the size must be WIDTHxHEIGHT, e.g. 1024x700, not '$SIZE'" >&2; exit 2 ;; esac
    PHASE=${3:-traffic_shift}
    case "$PHASE" in planning|traffic_shift) ;; *) echo "the phase must be planning or traffic_shift, not '$PHASE'" >&2; exit 2 ;; esac
    need Xvfb xvfb; need openbox openbox; need xdotool xdotool; need import imagemagick
    # the sample's plan and last-seen state in target/walk, not /tmp: clean removes them
    mkdir -p "$RUN/tmp"
    export TMPDIR="$PWD/$RUN/tmp"
    # shellcheck source=lib/sample-migration.sh
    . scripts/lib/sample-migration.sh
    sample_migration cutover_walk_old cutover_walk_new walk-demo "$PHASE"
    # the console's settings of this walk only: the size asked for, so it opens at it (it sizes itself from
    # console.json in $XDG_DATA_HOME/cutover when shown, and would undo a resize made before that)
    rm -rf "$RUN/data" "$RUN/config"
    mkdir -p -m 700 "$RUN/data/cutover" "$RUN/config"
    printf '{ "width" : %s, "height" : %s }\n' "${SIZE%x*}" "${SIZE#*x}" >"$RUN/data/cutover/console.json"
    chmod 600 "$RUN/data/cutover/console.json"
    setsid Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$RUN/xvfb.log" 2>&1 & echo $! >"$RUN/xvfb.pid"
    for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
    setsid openbox >"$RUN/openbox.log" 2>&1 & echo $! >"$RUN/openbox.pid"
    XDG_DATA_HOME="$PWD/$RUN/data" XDG_CONFIG_HOME="$PWD/$RUN/config" setsid java -Dprism.order=sw -cp "$CP" dev.cutover.ui.ConsoleProvider \
      --plan="$PLAN" --old="jdbc:postgresql://127.0.0.1:5432/$OLD?user=postgres" \
      --new="jdbc:postgresql://127.0.0.1:5432/$NEW?user=postgres" --redis="$REDIS" >"$RUN/console.log" 2>&1 &
    echo $! >"$RUN/console.pid"
    W=$(timeout 90 bash -c "$(declare -f window); window")
    # the console sizes its window once shown: resize until the window keeps the size asked for (checked twice, 1 s apart)
    ok=0
    for _ in $(seq 30); do
      if [ "$(geometry "$W")" = "$SIZE" ]; then
        ok=$((ok + 1)); [ "$ok" -ge 2 ] && break
      else
        ok=0
        xdotool windowsize "$W" "${SIZE%x*}" "${SIZE#*x}" windowmove "$W" 0 0
      fi
      sleep 1
    done
    xdotool windowactivate "$W" 2>/dev/null || true
    GOT=$(geometry "$W")
    if [ "$GOT" != "$SIZE" ]; then
      echo "console window $W is $GOT, not $SIZE; log in $RUN/console.log" >&2
      exit 1
    fi
    echo "console window $W at $GOT on $DISPLAY, phase $PHASE; log in $RUN/console.log"
    ;;
  shot)
    import -window root "$RUN/${2:?name}.png"
    echo "$RUN/$2.png"
    ;;
  click)
    W=$(window)
    xdotool mousemove --window "$W" "${2:?x}" "${3:?y}" click 1
    ;;
  stop)
    stop
    ;;
  clean)
    stop
    PGURL_ADMIN=${CUTOVER_SHOTS_PG:-"postgresql://postgres@127.0.0.1:5432/postgres"}
    REDIS=${CUTOVER_SHOTS_REDIS:-"redis://127.0.0.1:6379"}
    psql -q "$PGURL_ADMIN" -c "DROP DATABASE IF EXISTS cutover_walk_old WITH (FORCE)" -c "DROP DATABASE IF EXISTS cutover_walk_new WITH (FORCE)"
    redis-cli -u "$REDIS" --scan --pattern 'cutover:{walk-demo}:*' | while read -r k; do redis-cli -u "$REDIS" DEL "$k" >/dev/null; done
    rm -rf "$RUN"
    ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
