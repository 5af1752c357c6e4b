package dev.cutover.sql;

import dev.cutover.pg.Schema;
import dev.cutover.plan.SqlNames;

import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Statements that re-sync rows by key from the side that is the truth (repair and replay):
 * read the mapped rows on the from side with {@link Flow#select} and {@link Flow#fromKeyIn},
 * then upsert them on the to side, and delete the keys the truth no longer has.
 */
public final class SyncSql {
    private SyncSql() {
    }

    /**
     * {@code INSERT INTO to (cols) VALUES (?::type, …) ON CONFLICT (key) DO UPDATE SET …}, one row;
     * values are bound as text in the engine's session settings and cast by the receiving database.
     */
    public static String upsert(Flow f) {
        StringJoiner set = new StringJoiner(",\n  ");
        for (Flow.Projected c : f.columns()) {
            boolean isKey = f.key().stream().anyMatch(k -> k.toColumn().equals(c.toColumn()));
            if (!isKey) {
                set.add(SqlNames.quote(c.toColumn()) + " = EXCLUDED." + SqlNames.quote(c.toColumn()));
            }
        }
        String onConflict = set.length() == 0 ? "DO NOTHING" : "DO UPDATE SET\n  " + set;
        return insertOnConflict(f) + onConflict;
    }

    /** The same insert, leaving a row that is already there as it is (the backfill's rule). */
    public static String insertMissing(Flow f) {
        return insertOnConflict(f) + "DO NOTHING";
    }

    /** {@code INSERT INTO to (cols) VALUES (?::type, …) ON CONFLICT (key) }, the action to follow. */
    private static String insertOnConflict(Flow f) {
        String cols = f.columns().stream().map(c -> SqlNames.quote(c.toColumn())).collect(Collectors.joining(", "));
        String values = f.columns().stream().map(c -> "?::" + c.toCast()).collect(Collectors.joining(", "));
        return "INSERT INTO " + f.toTable() + " (" + cols + ")\nVALUES (" + values + ")\nON CONFLICT (" + f.toKeyColumns() + ") ";
    }

    /** {@code DELETE FROM to WHERE (key) IN (…)} for {@code n} keys. */
    public static String deleteByKeys(Flow f, int n) {
        return "DELETE FROM " + f.toTable() + "\nWHERE " + f.toKeyIn(n);
    }

    /** The truth side's read of {@code n} keys. */
    public static String readByKeys(Flow f, int n) {
        return f.select(f.fromKeyIn(n));
    }

    /**
     * The keys of the rows of {@code child} (on the to side) that reference, through {@code fk}, the
     * rows of {@code parent} with {@code n} given keys: the children that stand in the way of
     * deleting (or re-keying) those parents.
     * {@code SELECT c.key FROM child c JOIN parent p ON c.a = p.x … WHERE (p.key) IN (…)}.
     */
    public static String childKeys(Flow child, Schema.ForeignKey fk, Flow parent, int n) {
        StringJoiner on = new StringJoiner(" AND ");
        for (int i = 0; i < fk.columns().size(); i++) {
            on.add("c." + SqlNames.quote(fk.columns().get(i)) + " = p." + SqlNames.quote(fk.referencedColumns().get(i)));
        }
        String keys = child.key().stream().map(k -> "c." + SqlNames.quote(k.toColumn())).collect(Collectors.joining(", "));
        String in = parent.key().stream().map(k -> "p." + SqlNames.quote(k.toColumn())).collect(Collectors.joining(", ", "(", ")"));
        String one = parent.key().stream().map(k -> "?::" + k.toType()).collect(Collectors.joining(", ", "(", ")"));
        StringJoiner values = new StringJoiner(", ", in + " IN (", ")");
        for (int i = 0; i < n; i++) {
            values.add(one);
        }
        return "SELECT " + keys + "\nFROM " + child.toTable() + " AS c\nJOIN " + parent.toTable() + " AS p ON " + on
                + "\nWHERE " + values;
    }

    /**
     * How many of the given transactions (their 32-bit ids, one {@code bigint[]} parameter, as
     * logical decoding names them) a new snapshot does not see yet: committed in WAL but still
     * among the running transactions, or not yet below the snapshot's xmax. Each 32-bit id is
     * widened to the {@code xid8} nearest the snapshot's xmax (ids wrap around every 2^32), then
     * {@code pg_visible_in_snapshot} decides. Change capture re-reads a transaction's keys only
     * when this is 0.
     */
    public static final String INVISIBLE_XIDS = """
            WITH s AS (SELECT pg_current_snapshot() AS snap),
                 m AS (SELECT snap, pg_snapshot_xmax(snap)::text::numeric AS xmax8 FROM s)
            SELECT count(*) FROM m, unnest(?::bigint[]) AS x(xid)
            WHERE NOT pg_visible_in_snapshot((m.xmax8 - 2147483648 + mod(mod(x.xid - mod(m.xmax8, 4294967296) + 2147483648, 4294967296)
                  + 4294967296, 4294967296))::text::xid8, m.snap)""";

    /**
     * A transactional logical message (prefix {@code cutover}, empty content; pgoutput passes messages
     * on only when asked, and sync does not ask) whose position {@code --until-caught-up} waits for.
     */
    public static final String WATERMARK = "SELECT pg_logical_emit_message(true, 'cutover', '')::text";
}
