package dev.cutover.check;

import dev.cutover.pg.Schema;
import dev.cutover.pg.Sql;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.Flow;
import dev.cutover.sql.KeyJson;
import dev.cutover.sql.KeySql;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.OneStatement;

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
 * own short read-only transaction that is rolled back, and counts per target column the rows that
 * would fail, put NULL into a NOT NULL column, be too long, be rounded by the cast, or not come back
 * equal through {@code reverse}. Every transform's output is referenced by the statement (see
 * {@link #evaluated}), so none is left out because nothing else looks at its column. A chunk whose
 * statement fails is halved by key down to small ranges, whose rows are then evaluated one by one
 * under a savepoint to find the failing rows by key: the connection never writes, not even
 * session-temporary objects, so it can stay read-only at the session level.
 */
final class DryRun {
    private static final Set<String> NO_EQUALITY = Set.of("json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle");
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
    private static final Set<String> INEXACT = Set.of("float4", "float8", "numeric");
    /** Failing ranges of at most this many rows are read row by row. */
    private static final int BISECT_BELOW = 128;
    /**
     * Failing rows found one by one (a statement and a rollback each) before the dry run stops doing
     * so for this table: past it, a failing range only says which transforms fail in it. A transform
     * that fails on every row of a large table would otherwise cost two round trips per row.
     */
    static final int ROW_BY_ROW_LIMIT = 1000;

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
        /** Failing ranges past {@link #ROW_BY_ROW_LIMIT}, whose rows were not counted. */
        long uncountedRanges;

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
    private long rowsChecked;
    private long rowByRow;

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
                c.rollback();
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
                c.setAutoCommit(auto);
            } catch (SQLException ignored) {
                // the connection is gone; the caller reports the original error
            }
        }
        for (Tally t : tallies.values()) {
            if (t.rows > 0 || t.uncountedRanges > 0) {
                String msg = (t.uncountedRanges > 0 ? "at least " : "") + t.rows + (t.rows == 1 ? " row " : " rows ") + t.what
                        + (t.uncountedRanges == 0 ? "" : " (and rows of " + t.uncountedRanges + " more key ranges: counting stopped after "
                        + ROW_BY_ROW_LIMIT + " failing rows)")
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
            runFlags(lower, upper, null);
        } catch (SQLException e) {
            c.rollback();
            if (Sql.isTransient(e) || Sql.state(e).startsWith("08")) {
                throw e;
            }
            if (rowByRow >= ROW_BY_ROW_LIMIT) {
                markFailingColumns(lower, upper);
                return;
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
                c.rollback();
                if (middle != null && !middle.equals(upper)) {
                    checkRange(lower, middle, rows / 2);
                    checkRange(middle, upper, rows - rows / 2);
                    return;
                }
            }
            List<List<String>> failing = findFailingRows(lower, upper);
            try {
                runFlags(lower, upper, failing);
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

    /**
     * Counts the flags over (lower, upper]; {@code skip}: keys of rows whose transform fails (already
     * counted by {@link #findFailingRows}), left out, or null.
     */
    private void runFlags(List<String> lower, List<String> upper, List<List<String>> skip) throws SQLException {
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
        if (skip != null && !skip.isEmpty()) {
            inner.append(" AND NOT ").append(flow.fromKeyIn(skip.size()));
        }
        StringBuilder outer = new StringBuilder("SELECT ");
        for (int k = 0; k < keys.size(); k++) {
            outer.append("\"__k").append(k).append("\", ");
        }
        for (int f = 0; f < flags.size(); f++) {
            outer.append("(").append(flags.get(f).sql()).append(") AS f").append(f).append(", ");
        }
        outer.append(evaluated("fwd")).append(" AS \"__evaluated\"");
        // OFFSET 0 keeps the scan's filter (range, failing rows skipped) apart from the flags: PostgreSQL
        // would otherwise push the flags into the scan and evaluate a failing transform first.
        outer.append(" FROM (").append(inner).append(" OFFSET 0) AS fwd");
        // "__evaluated" is never negative: the condition selects no row, but it names every output of
        // the subquery, which PostgreSQL would otherwise drop (and never compute) when no flag reads it.
        List<String> where = new ArrayList<>();
        for (int f = 0; f < flags.size(); f++) {
            where.add("x.f" + f);
        }
        where.add("x.\"__evaluated\" < 0");
        String sql = OneStatement.of("SELECT * FROM (" + outer + ") AS x WHERE " + String.join(" OR ", where));
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindKey(ps, 1, lower);
            i = bindKey(ps, i, upper);
            if (skip != null) {
                for (List<String> k : skip) {
                    i = bindKey(ps, i, k);
                }
            }
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
        c.rollback();
    }

    /**
     * {@code num_nulls} over every output of the forward subquery {@code alias}, in groups of 90
     * (a function takes at most 100 arguments): an expression that needs every transform's value.
     */
    private String evaluated(String alias) {
        List<String> groups = new ArrayList<>();
        List<Flow.Projected> cols = flow.columns();
        for (int from = 0; from < cols.size(); from += 90) {
            List<String> refs = new ArrayList<>();
            for (int i = from; i < Math.min(cols.size(), from + 90); i++) {
                refs.add(alias + "." + SqlNames.quote(cols.get(i).toColumn()));
            }
            groups.add("num_nulls(" + String.join(", ", refs) + ")");
        }
        return "(" + String.join(" + ", groups) + ")";
    }

    /**
     * Finds, per column, the rows of a small range whose transform raises an error, in one read-only
     * transaction (rolled back): first each column over the whole range, then, for each column that
     * fails there, each row on its own under a savepoint. Returns the keys of the failing rows.
     */
    private List<List<String>> findFailingRows(List<String> lower, List<String> upper) throws SQLException {
        List<List<String>> failingKeys = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
        }
        List<List<String>> rowKeys = new ArrayList<>();
        String rangeKeys = "SELECT " + keys.selectAsText() + " FROM " + flow.fromTable() + " AS src WHERE "
                + keys.range(lower != null, upper != null) + " ORDER BY " + keys.orderBy();
        try (PreparedStatement ps = c.prepareStatement(rangeKeys)) {
            bindKey(ps, bindKey(ps, 1, lower), upper);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rowKeys.add(readKey(rs, 1));
                }
            }
        }
        java.sql.Savepoint sp = c.setSavepoint();
        for (int col = 0; col < flow.columns().size(); col++) {
            Flow.Projected p = flow.columns().get(col);
            if (evaluates(p, lower, upper, sp) == null) {
                continue; // after the bisection, most columns of a failing range are fine
            }
            List<String> previous = lower;
            for (List<String> key : rowKeys) {
                String err = evaluates(p, previous, key, sp); // (previous, key] is exactly the row of key
                previous = key;
                if (err == null) {
                    continue;
                }
                Tally t = failures(p);
                if (t.firstError == null) {
                    t.firstError = err;
                }
                t.add(KeyJson.fromSide(flow, key), maxKeys);
                if (!failingKeys.contains(key)) {
                    failingKeys.add(key);
                    rowByRow++;
                }
            }
        }
        c.rollback();
        return failingKeys;
    }

    private Tally failures(Flow.Projected p) {
        return tallies.computeIfAbsent("transform_fails\u0000" + p.toColumn(), k -> new Tally(Severity.PROBLEM,
                "transform_fails", p.toColumn(), "fail the transform " + p.expr() + " for " + SqlNames.quote(p.toColumn())));
    }

    /**
     * Past {@link #ROW_BY_ROW_LIMIT}: notes which transforms fail somewhere in (lower, upper], one
     * statement per transform, without finding the rows; the range's other counts are skipped.
     */
    private void markFailingColumns(List<String> lower, List<String> upper) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
        }
        java.sql.Savepoint sp = c.setSavepoint();
        for (Flow.Projected p : flow.columns()) {
            String err = evaluates(p, lower, upper, sp);
            if (err != null) {
                Tally t = failures(p);
                if (t.firstError == null) {
                    t.firstError = err;
                }
                t.uncountedRanges++;
            }
        }
        c.rollback();
    }

    /**
     * Evaluates one transform over the rows (lower, upper]: null, or the database's error, after
     * which the transaction is back at {@code sp}.
     */
    private String evaluates(Flow.Projected p, List<String> lower, List<String> upper, java.sql.Savepoint sp) throws SQLException {
        String value = "(" + p.expr() + ")" + (p.cast().isEmpty() ? "" : "::" + p.cast());
        String sql = OneStatement.of("SELECT sum(num_nulls(" + value + ")) FROM " + flow.fromTable() + " AS src WHERE "
                + keys.range(lower != null, upper != null));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindKey(ps, bindKey(ps, 1, lower), upper);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
            return null;
        } catch (SQLException e) {
            if (Sql.isTransient(e) || Sql.state(e).startsWith("08")) {
                throw e;
            }
            c.rollback(sp);
            return Sql.message(e);
        }
    }

    private List<Finding> duplicateKeys(String table) throws SQLException {
        if (DuplicateKeys.provablyUnique(source, m.key())) {
            return List.of();
        }
        DuplicateKeys.Found d = DuplicateKeys.find(c, flow, m.key(), maxKeys);
        if (d.total() == 0) {
            return List.of();
        }
        return List.of(new Finding(Severity.PROBLEM, "duplicate_key", table, String.join(",", m.key()),
                d.total() + " key values occur more than once in " + m.source() + " (first: " + String.join(", ", d.first()) + ")",
                d.total(), d.first()));
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
