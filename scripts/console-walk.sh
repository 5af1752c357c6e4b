#!/usr/bin/env bash
# Drives the console as a DBA would, under a real window manager: Xvfb with openbox on display
# :93 (WALK_DISPLAY), the console on the sample migration of scripts/screenshots.sh (databases
# cutover_walk_old/new and migration walk-demo on the machine's PostgreSQL and Redis, its own names),
# the window resized with xdotool. Installs openbox, xdotool and imagemagick (import) when missing.
#   scripts/console-walk.sh start [WxH]    sample data, X server, window manager, console; window at WxH (1024x700)
#   scripts/console-walk.sh shot NAME      a PNG of the whole screen in target/walk/NAME.png
#   scripts/console-walk.sh click X Y      a click at X,Y of the console window (xdotool, window-relative)
#   scripts/console-walk.sh stop           closes the console, the window manager and the X server it started
# Between start and stop, drive it with xdotool (DISPLAY=:93): mousemove, click, type, key, and look at the shots.
set -euo pipefail
cd "$(dirname "$0")/.."
export DISPLAY=${WALK_DISPLAY:-:93}
RUN=target/walk
mkdir -p "$RUN"

need() { command -v "$1" >/dev/null || { echo "installing $2" >&2; apt-get install -y -q "$2" >/dev/null; }; }

window() { xdotool search --sync --onlyvisible --name '^Cutover' | head -1; }

case "${1:-}" in
  start)
    SIZE=${2:-1024x700}
    need Xvfb xvfb; need openbox openbox; need xdotool xdotool; need import imagemagick
    # shellcheck source=lib/sample-migration.sh
    . scripts/lib/sample-migration.sh
    sample_migration cutover_walk_old cutover_walk_new walk-demo
    setsid Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$RUN/xvfb.log" 2>&1 & echo $! >"$RUN/xvfb.pid"
    for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
    setsid openbox >"$RUN/openbox.log" 2>&1 & echo $! >"$RUN/openbox.pid"
    XDG_CONFIG_HOME="$PWD/$RUN/config" setsid java -Dprism.order=sw -cp "$CP" dev.cutover.ui.ConsoleProvider \
      --plan="$PLAN" --old="jdbc:postgresql://127.0.0.1:5432/$OLD?user=postgres" \
      --new="jdbc:postgresql://127.0.0.1:5432/$NEW?user=postgres" --redis="$REDIS" >"$RUN/console.log" 2>&1 &
    echo $! >"$RUN/console.pid"
    W=$(timeout 90 bash -c "$(declare -f window); window")
    xdotool windowsize "$W" "${SIZE%x*}" "${SIZE#*x}" windowmove "$W" 0 0 windowactivate "$W"
    echo "console window $W at $SIZE on $DISPLAY; log in $RUN/console.log"
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
    for p in console openbox xvfb; do
      if [ -f "$RUN/$p.pid" ]; then kill "$(cat "$RUN/$p.pid")" 2>/dev/null || true; rm -f "$RUN/$p.pid"; fi
    done
    ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
