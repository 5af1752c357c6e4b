package dev.cutover.sql;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Key-ordered chunking of one side of a {@link Flow}. Keys travel as text (their output form)
 * and are bound back with a cast to the column type, so any orderable key type works (bigint,
 * uuid, text, timestamp, composite). Text keys are compared under {@code COLLATE "C"} on both
 * databases: a chunk means the same rows on each side whatever their default collations.
 */
public final class KeySql {
    private final String table;
    private final List<String> refs;
    private final List<String> plainRefs;
    private final List<String> types;

    private KeySql(String table, List<String> refs, List<String> plainRefs, List<String> types) {
        this.table = table;
        this.refs = refs;
        this.plainRefs = plainRefs;
        this.types = types;
    }

    /** Keys of the from side of the flow (qualified by the alias {@code src} as in {@link Flow#select}). */
    public static KeySql fromSide(Flow f) {
        return new KeySql(f.fromTable(),
                f.key().stream().map(k -> "src." + k.fromRef()).toList(),
                f.key().stream().map(k -> "src." + dev.cutover.plan.SqlNames.quote(k.fromColumn())).toList(),
                f.key().stream().map(Flow.KeyColumn::fromType).toList());
    }

    /** Keys of the to side (alias {@code src} as well, for symmetric statements). */
    public static KeySql toSide(Flow f) {
        return new KeySql(f.toTable(),
                f.key().stream().map(k -> "src." + k.toRef()).toList(),
                f.key().stream().map(k -> "src." + dev.cutover.plan.SqlNames.quote(k.toColumn())).toList(),
                f.key().stream().map(Flow.KeyColumn::toType).toList());
    }

    public int size() {
        return refs.size();
    }

    /** {@code src."id"} or {@code src."code" COLLATE "C", src."n"}: the ORDER BY list. */
    public String orderBy() {
        return String.join(", ", refs);
    }

    /** The key columns as text, for reading key values: {@code src."id"::text AS k0, …}. */
    public String selectAsText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < plainRefs.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(plainRefs.get(i)).append("::text AS \"__k").append(i).append('"');
        }
        return b.toString();
    }

    /** The key columns as they are, named {@code "__k0"…}, for a subquery whose outer query turns them into text. */
    public String selectRaw() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < plainRefs.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(plainRefs.get(i)).append(" AS \"__k").append(i).append('"');
        }
        return b.toString();
    }

    /** The text form of the columns {@link #selectRaw} named, read from the subquery {@code alias}. */
    public String textOf(String alias) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < plainRefs.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(alias).append(".\"__k").append(i).append("\"::text AS \"__k").append(i).append('"');
        }
        return b.toString();
    }

    /** {@code (k…) > (?::t…)}: rows after a key (bind the key's text values). */
    public String after() {
        return compare(">");
    }

    /** {@code (k…) <= (?::t…)}: rows up to and including a key. */
    public String upTo() {
        return compare("<=");
    }

    /** A predicate for the half-open chunk (lower, upper]; either bound may be absent. */
    public String range(boolean hasLower, boolean hasUpper) {
        if (hasLower && hasUpper) {
            return after() + " AND " + upTo();
        }
        if (hasLower) {
            return after();
        }
        return hasUpper ? upTo() : "TRUE";
    }

    /**
     * The key {@code ?} rows after the lower bound (the chunk's inclusive upper bound), or none when
     * fewer rows are left: {@code SELECT keys FROM t AS src [WHERE after] ORDER BY keys OFFSET ? LIMIT 1}.
     * Bind: lower key values (if any), then the offset (chunk size − 1).
     */
    public String nextBoundary(boolean hasLower) {
        return "SELECT " + selectAsText() + " FROM " + table + " AS src"
                + (hasLower ? " WHERE " + after() : "") + " ORDER BY " + orderBy() + " OFFSET ? LIMIT 1";
    }

    /** The last key of the table (for fixing the set of rows when a run starts). */
    public String lastKey() {
        String desc = refs.stream().map(r -> r + " DESC").collect(Collectors.joining(", "));
        return "SELECT " + selectAsText() + " FROM " + table + " AS src ORDER BY " + desc + " LIMIT 1";
    }

    private String compare(String op) {
        String cols = String.join(", ", refs);
        String params = types.stream().map(t -> "?::" + t).collect(Collectors.joining(", "));
        return size() == 1 ? cols + " " + op + " " + params : "(" + cols + ") " + op + " (" + params + ")";
    }
}
