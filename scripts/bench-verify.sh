#!/usr/bin/env bash
# Measures `cutover verify` against the floor any exact comparison must pay, and checks that
# planted differences are all found.
#
#  (a) one hash scan of the whole table on each side, in parallel, with psql, hashing each row's
#      text, as a hand-written check does:
#      SELECT count(*), sum(hashtextextended(ROW(t.*)::text, 0)) FROM t
#  (a') the same scan with the row hash verify itself uses on PostgreSQL 14+ (binary values where
#      that is exact, text elsewhere; docs/verify.md), which is about twice as cheap per row
#  (b) bin/cutover verify of the same identical tables (JVM start included)
#  each BENCH_REPEAT times (default 2), keeping the best of each, and prints (b)/(a) and (b)/(a')
#  then plants 50 differences of each kind (updated, missing, extra, NULL<->'', separator-shifted,
#  a column's values swapped between two rows) and prints how many verify found, and how many it
#  reported that were not planted.
#
# Usage: scripts/bench-verify.sh [ROWS]   (default 2000000; needs PostgreSQL as in scripts/services.sh)
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), VERIFY_ARGS (extra verify flags).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-2000000}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
OLD=cutover_bench_verify_old
NEW=cutover_bench_verify_new
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }

echo "== setting up $OLD and $NEW with $ROWS rows each"
for db in $OLD $NEW; do
  q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  q -d $db <<SQL
CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  note text,
  balance numeric(14,2) NOT NULL,
  opened_at timestamptz NOT NULL,
  active boolean NOT NULL,
  ref uuid NOT NULL
);
INSERT INTO accounts
SELECT g, 'customer ' || g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || md5(g::text) END,
       (g % 100000) * 1.25, timestamptz '2015-01-01 00:00:00+00' + g * interval '17 seconds', g % 3 = 0,
       md5('ref' || g)::uuid
FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE accounts;
SQL
done
cat > "$work/plan.json" <<'JSON'
{"version": 1, "name": "bench-verify", "tables": [{
  "source": {"schema": "public", "table": "accounts"}, "target": {"schema": "public", "table": "accounts"},
  "key": ["id"],
  "columns": [{"target": "id", "expr": "id"}, {"target": "name", "expr": "name"}, {"target": "note", "expr": "note"},
              {"target": "balance", "expr": "balance"}, {"target": "opened_at", "expr": "opened_at"},
              {"target": "active", "expr": "active"}, {"target": "ref", "expr": "ref"}],
  "dropped": []}]}
JSON
base="jdbc:postgresql://$PGHOST:$PGPORT"
verify() { bin/cutover verify --plan "$work/plan.json" --old "$base/$OLD?user=$PGUSER" --new "$base/$NEW?user=$PGUSER" ${VERIFY_ARGS:-} "$@"; }
verify --help >/dev/null  # builds the jar once, outside the timings

scan='SELECT count(*), sum(hashtextextended(ROW(t.*)::text, 0)) FROM accounts t'
record_scan='SELECT count(*), sum(hashint8extended(hash_record_extended(ROW(id, name COLLATE "C", note COLLATE "C",
  balance::text COLLATE "C", opened_at, active, ref), 0), 0)) FROM accounts t'
REPEAT="${BENCH_REPEAT:-2}"
a=""; a2=""; b=""
scan_both() {  # QUERY: both sides at once; prints the seconds taken
  local t0 t1
  t0=$(now)
  q -d $OLD -Atc "$1" > "$work/a_old" &
  q -d $NEW -Atc "$1" > "$work/a_new" &
  wait
  t1=$(now)
  calc "$t1 - $t0"
}
min() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.3f", (y == "" || x + 0 < y + 0) ? x : y }'; }
for i in $(seq 1 "$REPEAT"); do
  echo "== (a) text hash scan of the whole table on both sides in parallel (psql), run $i"
  d=$(scan_both "$scan"); a=$(min "$d" "$a")
  printf '   old: %s   new: %s   %.2f s\n' "$(cat "$work/a_old")" "$(cat "$work/a_new")" "$d"
  echo "== (a') the same with verify's record hash, run $i"
  d=$(scan_both "$record_scan"); a2=$(min "$d" "$a2")
  printf '   old: %s   new: %s   %.2f s\n' "$(cat "$work/a_old")" "$(cat "$work/a_new")" "$d"

  echo "== (b) bin/cutover verify of the identical tables, run $i"
  t0=$(now)
  set +e
  verify > "$work/b_out"; status=$?
  set -e
  t1=$(now)
  d=$(calc "$t1 - $t0"); b=$(min "$d" "$b")
  sed 's/^/   /' "$work/b_out"
  printf '   exit %d, %.2f s (JVM start included)\n' "$status" "$d"
  [ "$status" -eq 0 ] || { echo "verify of identical tables did not exit 0" >&2; exit 1; }
done
echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

echo "== planting 50 differences of each kind"
step=$(( ROWS / 260 ))
q -d $OLD <<SQL
CREATE TABLE planted (id bigint PRIMARY KEY, kind text, columns text);
INSERT INTO planted SELECT $step * g,          'different',         'name'      FROM generate_series(1, 50) g;
INSERT INTO planted SELECT $step * g + 1,      'missing_in_target', ''          FROM generate_series(51, 100) g;
INSERT INTO planted SELECT $ROWS + 1000 + g,   'extra_in_target',   ''          FROM generate_series(1, 50) g;
INSERT INTO planted SELECT $step * g + 2,      'different',         'note'      FROM generate_series(101, 150) g;
INSERT INTO planted SELECT $step * g + 3,      'different',         'name;note' FROM generate_series(151, 200) g;
INSERT INTO planted SELECT $step * g + 4,      'different',         'ref'       FROM generate_series(201, 250) g;
-- NULL on the old side, '' on the new; 'a|b','c' on the old side, 'a','b|c' on the new
UPDATE accounts SET note = NULL WHERE id IN (SELECT id FROM planted WHERE columns = 'note');
UPDATE accounts SET name = 'a|b', note = 'c' WHERE id IN (SELECT id FROM planted WHERE columns = 'name;note');
SQL
q -d $OLD -Atc "COPY planted TO STDOUT" > "$work/planted.tsv"
q -d $NEW <<SQL
CREATE TABLE planted (id bigint PRIMARY KEY, kind text, columns text);
\copy planted FROM '$work/planted.tsv'
UPDATE accounts SET name = name || ' (changed)' WHERE id IN (SELECT id FROM planted WHERE kind = 'different' AND columns = 'name');
DELETE FROM accounts WHERE id IN (SELECT id FROM planted WHERE kind = 'missing_in_target');
INSERT INTO accounts SELECT id, 'extra', NULL, 0, now(), true, gen_random_uuid() FROM planted WHERE kind = 'extra_in_target';
UPDATE accounts SET note = '' WHERE id IN (SELECT id FROM planted WHERE columns = 'note');
UPDATE accounts SET name = 'a', note = 'b|c' WHERE id IN (SELECT id FROM planted WHERE columns = 'name;note');
-- pairs of rows (usually in one chunk) that swap their ref: every column's multiset is unchanged
WITH p AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM planted WHERE columns = 'ref'),
     pairs AS (SELECT a.id AS x, b.id AS y FROM p a JOIN p b ON b.n = a.n + 1 WHERE a.n % 2 = 1),
     refs AS (SELECT x, y, (SELECT ref FROM accounts WHERE id = x) AS rx, (SELECT ref FROM accounts WHERE id = y) AS ry FROM pairs)
UPDATE accounts SET ref = CASE WHEN accounts.id = refs.x THEN refs.ry ELSE refs.rx END
FROM refs WHERE accounts.id IN (refs.x, refs.y);
SQL

echo "== verify --csv of the planted differences"
t0=$(now)
set +e
verify --csv "$work/found.csv" > "$work/c_out"; status=$?
set -e
t1=$(now)
tail -n 1 "$work/c_out" | sed 's/^/   /'
printf '   exit %d, %.2f s\n' "$status" "$(calc "$t1 - $t0")"
q -d $NEW <<SQL
CREATE TABLE found ("table" text, key text, kind text, columns text, source_row text, target_row text);
\copy found FROM '$work/found.csv' CSV HEADER
SELECT format('   %-18s found %s of %s', p.kind || CASE WHEN p.kind = 'different' THEN ' (' || p.columns || ')' ELSE '' END,
              count(f.key), count(*))
FROM planted p LEFT JOIN found f
  ON (f.key::jsonb->>'id')::bigint = p.id AND f.kind = p.kind AND coalesce(f.columns, '') = p.columns
GROUP BY p.kind, p.columns ORDER BY p.kind, p.columns \g (format=unaligned tuples_only)
SELECT format('   found %s of %s planted differences, %s false', count(*) FILTER (WHERE p.id IS NOT NULL),
              (SELECT count(*) FROM planted), count(*) FILTER (WHERE p.id IS NULL))
FROM found f LEFT JOIN planted p
  ON (f.key::jsonb->>'id')::bigint = p.id AND f.kind = p.kind AND coalesce(f.columns, '') = p.columns
\g (format=unaligned tuples_only)
SQL

for db in $OLD $NEW; do q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done
printf '== verify / record-hash scan floor (best of %d): %.2f s / %.2f s = %.2fx\n' "$REPEAT" "$b" "$a2" "$(calc "$b / $a2")"
printf '== verify / hash-scan floor (best of %d): %.2f s / %.2f s = %.2fx\n' "$REPEAT" "$b" "$a" "$(calc "$b / $a")"
