package dev.cutover.check;

import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.Sql;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.Flow;
import dev.cutover.sql.KeyJson;
import dev.cutover.sql.KeySql;
import dev.cutover.sql.MappingSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Evaluates every transform over every source row of one table, in key-ordered chunks, each in its
 * own short read-only transaction, and counts per target column the rows that would fail, put NULL
 * into a NOT NULL column, be too long, be rounded by the cast, or not come back equal through
 * {@code reverse}. A chunk whose statement fails is re-read through per-column guarded functions
 * (session-temporary, in pg_temp) to find the failing rows by key.
 */
final class DryRun {
    private static final Set<String> NO_EQUALITY = Set.of("json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle");
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
    private static final Set<String> INEXACT = Set.of("float4", "float8", "numeric");
    /** Failing ranges of at most this many rows are read row by row. */
    private static final int BISECT_BELOW = 128;

    /** One thing counted per row: a boolean SQL expression over the forward row {@code fwd}. */
    private record Flag(Severity severity, String kind, String column, String sql, String what) {
    }

    /** Counts of one flag or one failing column. */
    private static final class Tally {
        final Severity severity;
        final String kind;
        final String column;
        final String what;
        long rows;
        final List<String> keys = new ArrayList<>();
        String firstError;

        Tally(Severity severity, String kind, String column, String what) {
            this.severity = severity;
            this.kind = kind;
            this.column = column;
            this.what = what;
        }

        void add(String key, int maxKeys) {
            rows++;
            if (keys.size() < maxKeys) {
                keys.add(key);
            }
        }
    }

    private final Connection c;
    private final TableMapping m;
    private final Flow flow;
    private final KeySql keys;
    private final Schema.Table source;
    private final Schema.Table target;
    private final Map<String, String> exprTypes;
    private final int chunkRows;
    private final int maxKeys;
    private final List<Flag> flags = new ArrayList<>();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final List<String> reverseSources = new ArrayList<>();
    private boolean guardsCreated;
    private long rowsChecked;

    DryRun(Connection c, TableMapping m, MappingSql sql, Schema.Table source, Schema.Table target,
           Map<String, String> exprTypes, int chunkRows, int maxKeys) {
        this.c = c;
        this.m = m;
        this.flow = sql.forward();
        this.keys = KeySql.fromSide(flow);
        this.source = source;
        this.target = target;
        this.exprTypes = exprTypes;
        this.chunkRows = chunkRows;
        this.maxKeys = maxKeys;
        buildFlags();
    }

    long rowsChecked() {
        return rowsChecked;
    }

    List<Finding> run(LongConsumer progress) throws SQLException {
        String table = m.target().toString();
        List<Finding> out = new ArrayList<>(duplicateKeys(table));
        boolean auto = c.getAutoCommit();
        try {
            List<String> lower = null;
            while (true) {
                List<String> upper;
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION READ ONLY");
                }
                upper = boundary(lower);
                long n = upper != null ? chunkRows : countAfter(lower);
                c.commit();
                checkRange(lower, upper, n);
                rowsChecked += n;
                progress.accept(rowsChecked);
                if (upper == null) {
                    break;
                }
                lower = upper;
            }
        } finally {
            try {
                c.rollback();
                c.setAutoCommit(true);
                if (guardsCreated) {
                    try (Statement s = c.createStatement()) {
                        for (int i = 0; i < flow.columns().size(); i++) {
                            s.execute("DROP FUNCTION IF EXISTS pg_temp.cutover_try_" + i + "(" + flow.fromTable() + ")");
                        }
                    }
                }
                c.setAutoCommit(auto);
            } catch (SQLException ignored) {
                // the connection is gone; the caller reports the original error
            }
        }
        for (Tally t : tallies.values()) {
            if (t.rows > 0) {
                String msg = t.rows + (t.rows == 1 ? " row " : " rows ") + t.what
                        + (t.firstError == null ? "" : ": " + t.firstError)
                        + " (first keys: " + String.join(", ", t.keys) + ")";
                out.add(new Finding(t.severity, t.kind, table, t.column, msg, t.rows, t.keys));
            }
        }
        return out;
    }

    private void buildFlags() {
        for (int i = 0; i < flow.columns().size(); i++) {
            Flow.Projected p = flow.columns().get(i);
            Schema.Column tc = target.column(p.toColumn()).orElseThrow();
            String ref = "fwd." + SqlNames.quote(p.toColumn());
            if (tc.notNull()) {
                flags.add(new Flag(Severity.PROBLEM, "null_into_not_null", p.toColumn(), ref + " IS NULL",
                        "would put NULL into NOT NULL column " + SqlNames.quote(p.toColumn())));
            }
            if (tc.maxLength() > 0 && !tc.baseType().startsWith("bit")) {
                flags.add(new Flag(Severity.PROBLEM, "too_long", p.toColumn(), "char_length(" + ref + ") > " + tc.maxLength(),
                        "are longer than " + tc.type() + " allows in " + SqlNames.quote(p.toColumn())));
            }
            String exprType = exprTypes.getOrDefault(p.toColumn(), "");
            boolean rounds = INTEGER_TYPES.contains(tc.baseType()) || tc.baseType().equals("numeric") && tc.numericPrecision() > 0;
            if (INEXACT.contains(exprType) && rounds) {
                flags.add(new Flag(Severity.WARNING, "rounded", p.toColumn(),
                        "fwd.\"__raw" + i + "\" <> " + ref + "::numeric",
                        "change value when cast from " + exprType + " to " + tc.type() + " (rounded: not a whole number of units)"));
            }
        }
        int j = 0;
        for (Map.Entry<String, String> r : m.effectiveReverse().entrySet()) {
            if (m.key().contains(r.getKey()) || m.reverse().stream().noneMatch(x -> x.target().equals(r.getKey()))) {
                continue; // keys and plain copies come back by construction
            }
            Schema.Column sc = source.column(r.getKey()).orElseThrow();
            String back = "(" + r.getValue() + ")::" + MappingSql.castFor(sc);
            String orig = "fwd.\"__s" + j + "\"";
            String cmp = NO_EQUALITY.contains(sc.baseType())
                    ? (sc.baseType().equals("json") ? back + "::jsonb IS DISTINCT FROM " + orig + "::jsonb"
                    : back + "::text IS DISTINCT FROM " + orig + "::text")
                    : back + " IS DISTINCT FROM " + orig;
            flags.add(new Flag(Severity.WARNING, "lossy_round_trip", r.getKey(), cmp,
                    "do not come back equal in " + m.source() + "." + SqlNames.quote(r.getKey())
                            + " through forward then reverse (the transform loses information)"));
            reverseSources.add(r.getKey());
            j++;
        }
        for (Flag f : flags) {
            tallies.put(f.kind() + "\u0000" + f.column(), new Tally(f.severity(), f.kind(), f.column(), f.what()));
        }
    }

    private List<String> boundary(List<String> lower) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(keys.nextBoundary(lower != null))) {
            int i = bindKey(ps, 1, lower);
            ps.setInt(i, chunkRows - 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? readKey(rs, 1) : null;
            }
        }
    }

    private long countAfter(List<String> lower) throws SQLException {
        String sql = "SELECT count(*) FROM " + flow.fromTable() + " AS src" + (lower == null ? "" : " WHERE " + keys.after());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindKey(ps, 1, lower);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Checks the rows in (lower, upper]. When the statement fails on some row, the range is halved
     * by key until it is small, and only the small failing ranges are read row by row through the
     * guarded functions: a few bad rows in a large table cost a few extra short statements.
     */
    private void checkRange(List<String> lower, List<String> upper, long rows) throws SQLException {
        try {
            runFlags(lower, upper, false);
        } catch (SQLException e) {
            c.rollback();
            if (Sql.isTransient(e) || Sql.state(e).startsWith("08")) {
                throw e;
            }
            if (rows > BISECT_BELOW) {
                List<String> middle;
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION READ ONLY");
                }
                try (PreparedStatement ps = c.prepareStatement(keys.nextBoundary(lower != null))) {
                    int i = bindKey(ps, 1, lower);
                    ps.setLong(i, rows / 2 - 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        middle = rs.next() ? readKey(rs, 1) : null;
                    }
                }
                c.commit();
                if (middle != null && !middle.equals(upper)) {
                    checkRange(lower, middle, rows / 2);
                    checkRange(middle, upper, rows - rows / 2);
                    return;
                }
            }
            findFailingRows(lower, upper);
            try {
                runFlags(lower, upper, true);
            } catch (SQLException again) {
                c.rollback();
                if (Sql.isTransient(again)) {
                    throw again;
                }
                Tally t = tallies.computeIfAbsent("reverse_fails", k -> new Tally(Severity.PROBLEM, "reverse_fails", "",
                        "in a chunk make a reverse expression fail"));
                t.firstError = Sql.message(again);
                t.add("range " + describe(lower) + " .. " + describe(upper), maxKeys);
            }
        }
    }

    private void runFlags(List<String> lower, List<String> upper, boolean skipFailing) throws SQLException {
        if (flags.isEmpty() && !skipFailing) {
            // nothing to count, but every expression must still evaluate
        }
        StringBuilder inner = new StringBuilder("SELECT ").append(keys.selectAsText());
        for (int j = 0; j < reverseSources.size(); j++) {
            inner.append(", src.").append(SqlNames.quote(reverseSources.get(j))).append(" AS \"__s").append(j).append('"');
        }
        for (int i = 0; i < flow.columns().size(); i++) {
            Flow.Projected p = flow.columns().get(i);
            inner.append(",\n  ").append(p.select());
            if (INEXACT.contains(exprTypes.getOrDefault(p.toColumn(), ""))) {
                inner.append(", (").append(p.expr()).append(")::numeric AS \"__raw").append(i).append('"');
            }
        }
        inner.append("\nFROM ").append(flow.fromTable()).append(" AS src WHERE ").append(keys.range(lower != null, upper != null));
        if (skipFailing) {
            for (int i = 0; i < flow.columns().size(); i++) {
                inner.append(" AND pg_temp.cutover_try_").append(i).append("(src) IS NULL");
            }
        }
        StringBuilder outer = new StringBuilder("SELECT ");
        for (int k = 0; k < keys.size(); k++) {
            outer.append("\"__k").append(k).append("\", ");
        }
        if (flags.isEmpty()) {
            outer.append("FALSE AS f0");
        }
        for (int f = 0; f < flags.size(); f++) {
            outer.append(f == 0 ? "" : ", ").append("(").append(flags.get(f).sql()).append(") AS f").append(f);
        }
        // OFFSET 0 keeps the scan's filter (range, failing rows skipped) apart from the flags: PostgreSQL
        // would otherwise push the flags into the scan and evaluate a failing transform first.
        outer.append(" FROM (").append(inner).append(" OFFSET 0) AS fwd");
        String where = flags.isEmpty() ? "x.f0" : String.join(" OR ",
                java.util.stream.IntStream.range(0, flags.size()).mapToObj(f -> "x.f" + f).toList());
        String sql = "SELECT * FROM (" + outer + ") AS x WHERE " + where;
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindKey(ps, 1, lower);
            bindKey(ps, i, upper);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = KeyJson.fromSide(flow, readKey(rs, 1));
                    for (int f = 0; f < flags.size(); f++) {
                        if (rs.getBoolean(keys.size() + 1 + f)) {
                            Flag flag = flags.get(f);
                            tallies.get(flag.kind() + "\u0000" + flag.column()).add(key, maxKeys);
                        }
                    }
                }
            }
        }
        c.commit();
    }

    /** Finds, per column, the rows whose transform raises an error, through guarded temp functions. */
    private void findFailingRows(List<String> lower, List<String> upper) throws SQLException {
        createGuards();
        StringBuilder sql = new StringBuilder("SELECT * FROM (SELECT ").append(keys.selectAsText());
        for (int i = 0; i < flow.columns().size(); i++) {
            sql.append(", pg_temp.cutover_try_").append(i).append("(src) AS e").append(i);
        }
        sql.append(" FROM ").append(flow.fromTable()).append(" AS src WHERE ").append(keys.range(lower != null, upper != null))
                .append(") AS x WHERE ");
        for (int i = 0; i < flow.columns().size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("x.e").append(i).append(" IS NOT NULL");
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bindKey(ps, 1, lower);
            bindKey(ps, i, upper);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = KeyJson.fromSide(flow, readKey(rs, 1));
                    for (int col = 0; col < flow.columns().size(); col++) {
                        String err = rs.getString(keys.size() + 1 + col);
                        if (err != null) {
                            Flow.Projected p = flow.columns().get(col);
                            Tally t = tallies.computeIfAbsent("transform_fails\u0000" + p.toColumn(), k -> new Tally(
                                    Severity.PROBLEM, "transform_fails", p.toColumn(),
                                    "fail the transform " + p.expr() + " for " + SqlNames.quote(p.toColumn())));
                            if (t.firstError == null) { // "SQLSTATE message", sanitised: no row values
                                t.firstError = err.length() > 6 ? Sql.message(err.substring(0, 5), err.substring(6)) : err;
                            }
                            t.add(key, maxKeys);
                        }
                    }
                }
            }
        }
        c.commit();
    }

    /**
     * One plpgsql function per column that evaluates the transform on one row and returns the error
     * message instead of raising it. Session-temporary (pg_temp): invisible to other sessions, gone
     * when the connection closes, and dropped at the end of the run.
     */
    private void createGuards() throws SQLException {
        if (guardsCreated) {
            return;
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < flow.columns().size(); i++) {
                Flow.Projected p = flow.columns().get(i);
                if (p.expr().contains("$cutover_fn$")) {
                    throw new DbException("table " + m.source() + ": expression for " + p.toColumn() + " contains $cutover_fn$");
                }
                s.execute("CREATE OR REPLACE FUNCTION pg_temp.cutover_try_" + i + "(cutover_row__ " + flow.fromTable()
                        + ") RETURNS text LANGUAGE plpgsql AS $cutover_fn$\n#variable_conflict use_column\nBEGIN\n"
                        + "  PERFORM (" + p.expr() + ")" + (p.cast().isEmpty() ? "" : "::" + p.cast())
                        + " FROM (SELECT (cutover_row__).*) AS src;\n  RETURN NULL;\n"
                        + "EXCEPTION WHEN others THEN RETURN SQLSTATE || ' ' || SQLERRM;\nEND\n$cutover_fn$");
            }
        } finally {
            c.setAutoCommit(false);
        }
        guardsCreated = true;
    }

    private List<Finding> duplicateKeys(String table) throws SQLException {
        if (source.isUnique(m.key())) {
            return List.of();
        }
        String cols = String.join(", ", m.key().stream().map(k -> "src." + SqlNames.quote(k)).toList());
        String sql = "SELECT " + keys.selectAsText() + ", count(*) OVER () FROM (SELECT " + cols + " FROM " + flow.fromTable()
                + " AS src GROUP BY " + cols + " HAVING count(*) > 1) AS src LIMIT " + maxKeys;
        List<String> found = new ArrayList<>();
        long total = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                found.add(KeyJson.fromSide(flow, readKey(rs, 1)));
                total = rs.getLong(keys.size() + 1);
            }
        }
        if (total == 0) {
            return List.of();
        }
        return List.of(new Finding(Severity.PROBLEM, "duplicate_key", table, String.join(",", m.key()),
                total + " key values occur more than once in " + m.source() + " (first: " + String.join(", ", found) + ")",
                total, found));
    }

    private int bindKey(PreparedStatement ps, int start, List<String> key) throws SQLException {
        if (key == null) {
            return start;
        }
        for (String v : key) {
            ps.setString(start++, v);
        }
        return start;
    }

    private List<String> readKey(ResultSet rs, int first) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            out.add(rs.getString(first + i));
        }
        return out;
    }

    private String describe(List<String> key) {
        return key == null ? "(end)" : KeyJson.fromSide(flow, key);
    }
}
