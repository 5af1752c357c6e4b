# The small sample migration of the screenshots and of the console walk: two databases on the
# machine's PostgreSQL (customers and orders, 20,000 rows, a plan with one typo to show a plan-check
# error), and a control state mid-migration (traffic_shift at 5 %) made with the control plane's
# own audited commands, plus one router heartbeat. Sourced; then call
#   sample_migration OLD_DB NEW_DB MIGRATION [PHASE]   (sets PLAN, CP, PGURL_ADMIN, REDIS; the jar is built offline)
# PHASE planning leaves the migration fresh (its keys deleted, no phase set, no router); the default is traffic_shift at 5 %.
# CUTOVER_SHOTS_PG / CUTOVER_SHOTS_REDIS name the servers (default 127.0.0.1:5432 as postgres, 127.0.0.1:6379).

sample_migration() {
OLD=$1
NEW=$2
MIGRATION=$3
PHASE=${4:-traffic_shift}
PGURL_ADMIN=${CUTOVER_SHOTS_PG:-"postgresql://postgres@127.0.0.1:5432/postgres"}
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

PLAN=$(mktemp -d)/$MIGRATION.json
cat > "$PLAN" <<JSON
{
  "version": 1,
  "name": "$MIGRATION",
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

# offline first; a dependency missing from the local repository is fetched (said, not silent under set -e)
if ! mvn -q -B -o -DskipTests package >/dev/null 2>&1; then
  echo "offline build failed (a dependency not downloaded yet?); building online" >&2
  mvn -q -B -DskipTests package >/dev/null
fi
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
if [ "$PHASE" = planning ]; then
  return 0
fi
cutover phase backfill --reason "sample data loaded" >/dev/null || true
cutover phase traffic_shift --override --reason "screenshot sample: guards overridden on purpose" >/dev/null || true
cutover traffic 1 --reason "first tenants on the new database" >/dev/null || true
cutover traffic 5 --reason "no mismatches in 24 h at 1 %" >/dev/null || true
redis-cli -u "$REDIS" HSET "${P}router:app-1" version 4 phase traffic_shift degraded false reason "" at "$(date +%s%3N)" host app-1 >/dev/null
redis-cli -u "$REDIS" EXPIRE "${P}router:app-1" 600 >/dev/null
}
