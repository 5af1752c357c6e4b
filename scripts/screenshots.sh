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

PGURL_ADMIN=${CUTOVER_SHOTS_PG:-"postgresql://postgres@127.0.0.1:5432/postgres"}
OLD=cutover_shots_old
NEW=cutover_shots_new
MIGRATION=shots-demo
REDIS=${CUTOVER_SHOTS_REDIS:-"redis://127.0.0.1:6379"}

psql -q "$PGURL_ADMIN" -c "DROP DATABASE IF EXISTS $OLD WITH (FORCE)" -c "DROP DATABASE IF EXISTS $NEW WITH (FORCE)" \
     -c "CREATE DATABASE $OLD" -c "CREATE DATABASE $NEW"
psql -q "${PGURL_ADMIN%/*}/$OLD" <<'SQL'
CREATE TABLE customers (id bigint PRIMARY KEY, full_name text NOT NULL, email varchar(200), created timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, total_amount numeric(12,2) NOT NULL,
                     metadata jsonb NOT NULL DEFAULT '{}', "Note Text" text, legacy_flags int, created timestamptz NOT NULL DEFAULT now());
INSERT INTO customers SELECT g, 'Customer ' || g, 'c' || g || '@example.com', now() - g * interval '1 day' FROM generate_series(1, 500) g;
INSERT INTO orders SELECT g, 1 + g % 500, (g % 977) / 7.0, jsonb_build_object('shipping_method', 'ground', 'priority', (g % 3)::text),
                          CASE WHEN g % 5 = 0 THEN 'gift' END, 0, now() - g * interval '1 minute' FROM generate_series(1, 20000) g;
ANALYZE;
SQL
psql -q "${PGURL_ADMIN%/*}/$NEW" <<'SQL'
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text, created_at timestamptz NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, total_cents bigint NOT NULL,
                     shipping_method text, priority int, note text, created_at timestamptz NOT NULL);
SQL

PLAN=$(mktemp -d)/shots-demo.json
cat > "$PLAN" <<'JSON'
{
  "version": 1,
  "name": "shots-demo",
  "tables": [
    {
      "source": {"schema": "public", "table": "customers"},
      "target": {"schema": "public", "table": "customers"},
      "key": ["id"],
      "columns": [
        {"target": "id", "expr": "id"},
        {"target": "name", "expr": "full_name"},
        {"target": "email", "expr": "email"},
        {"target": "created_at", "expr": "created"}
      ],
      "dropped": []
    },
    {
      "source": {"schema": "public", "table": "orders"},
      "target": {"schema": "public", "table": "orders"},
      "key": ["id"],
      "columns": [
        {"target": "id", "expr": "id"},
        {"target": "customer_id", "expr": "customer_id"},
        {"target": "total_cents", "expr": "round(total_amont * 100)::bigint"},
        {"target": "shipping_method", "expr": "metadata->>'shipping_method'"},
        {"target": "priority", "expr": "(metadata->>'priority')::int"},
        {"target": "note", "expr": "\"Note Text\""},
        {"target": "created_at", "expr": "created"}
      ],
      "dropped": ["legacy_flags"]
    }
  ]
}
JSON

mvn -q -B -o -DskipTests package >/dev/null
CP="$(ls target/lib/*.jar | tr '\n' ':')"

# A control state mid-migration, made through the control plane's own commands (audited), and one router heartbeat.
P="cutover:{$MIGRATION}:"
# --new: the control-state witness lives in the new database (docs/control.md, "Lost state")
cutover() { java -cp "$CP" dev.cutover.Main "$@" --migration "$MIGRATION" --redis "$REDIS" --new "jdbc:postgresql://127.0.0.1:5432/$NEW?user=postgres"; }
# the sample's own last-seen state (not ~/.cutover/state), so wiping its keys below is not taken for a lost Redis
export CUTOVER_STATE_DIR
CUTOVER_STATE_DIR=$(mktemp -d)
# this sample's keys only (control state, audit, metric buckets, summaries), so reruns give the same picture
redis-cli -u "$REDIS" --scan --pattern "${P}*" | while read -r k; do redis-cli -u "$REDIS" DEL "$k" >/dev/null; done
cutover phase backfill --reason "sample data loaded" >/dev/null || true
cutover phase traffic_shift --override --reason "screenshot sample: guards overridden on purpose" >/dev/null || true
cutover traffic 1 --reason "first tenants on the new database" >/dev/null || true
cutover traffic 5 --reason "no mismatches in 24 h at 1 %" >/dev/null || true
redis-cli -u "$REDIS" HSET "${P}router:app-1" version 4 phase traffic_shift degraded false reason "" at "$(date +%s%3N)" host app-1 >/dev/null
redis-cli -u "$REDIS" EXPIRE "${P}router:app-1" 600 >/dev/null

SUFFIX=""
EXTRA=()
if [ "${DARK:-}" = 1 ]; then EXTRA+=(--dark); fi
SIZE=${SIZE:-1280x800}
case "$SIZE" in *[!0-9x]*|x*|*x) echo "SIZE must be WIDTHxHEIGHT, e.g. 1024x700, not '$SIZE'" >&2; exit 2 ;; esac
EXTRA+=(--size "$SIZE")
OUT=docs/screenshots
if [ "${DARK:-}" = 1 ]; then OUT=$(mktemp -d); fi
xvfb-run -a -s "-screen 0 ${SIZE}x24" java -Dprism.order=sw -cp "$CP" dev.cutover.ui.ScreenshotTour "$OUT" "${EXTRA[@]}" \
  --plan "$PLAN" \
  --old "jdbc:postgresql://127.0.0.1:5432/$OLD?user=postgres" \
  --new "jdbc:postgresql://127.0.0.1:5432/$NEW?user=postgres" \
  --redis "$REDIS"
if [ "${DARK:-}" = 1 ]; then
  for f in "$OUT"/*.png; do cp "$f" "docs/screenshots/$(basename "${f%.png}")-dark.png"; done
fi
ls -la docs/screenshots
