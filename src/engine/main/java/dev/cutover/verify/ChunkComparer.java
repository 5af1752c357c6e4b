package dev.cutover.verify;

import dev.cutover.sql.VerifySql;

import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Compares key ranges of one table with one worker's two connections. Both sides hash a range at
 * the same time (the to side on the worker's helper thread); a range whose hashes differ is split
 * at the key half-way through its rows and the halves compared again (the second half's hash is
 * the whole minus the first, so each split costs one hash per side) until a range has at most
 * {@code leafRows} rows; then both sides' rows are fetched and compared by key and column, and
 * the differences are fetched once more by key before they count, so that a row caught between
 * a write and its mirror is not reported.
 */
final class ChunkComparer {
    /** The half-open key range (lower, upper]; a null bound is open. Key values as text. */
    record Range(List<String> lower, List<String> upper) {
    }

    /** Row counts and hash sums of one range on both sides. */
    record Hashes(long fromCount, BigInteger fromSum, long toCount, BigInteger toSum) {
        boolean equal() {
            return fromCount == toCount && fromSum.equals(toSum);
        }

        Hashes minus(Hashes o) {
            return new Hashes(fromCount - o.fromCount, fromSum.subtract(o.fromSum), toCount - o.toCount,
                    toSum.subtract(o.toSum));
        }
    }

    static final int KEYS_PER_STATEMENT = 200;
    private static final int MAX_DEPTH = 64;

    private final TableCheck table;
    private final VerifySql sql;
    private final Side from;
    private final Side to;
    private final ExecutorService toThread;
    private final int leafRows;
    private final long recheckDelayMillis;
    private long lossy;

    ChunkComparer(TableCheck table, Side from, Side to, ExecutorService toThread, int leafRows) {
        this(table, from, to, toThread, leafRows, 0);
    }

    /** {@code recheckDelayMillis}: how long the re-check of a leaf's differing keys waits first (0: at once). */
    ChunkComparer(TableCheck table, Side from, Side to, ExecutorService toThread, int leafRows, long recheckDelayMillis) {
        this.recheckDelayMillis = recheckDelayMillis;
        this.table = table;
        this.sql = table.sql();
        this.from = from;
        this.to = to;
        this.toThread = toThread;
        this.leafRows = leafRows;
    }

    /** The confirmed differences of a range whose hashes (already computed) differ, in key order. */
    List<Difference> resolve(Range r, Hashes h) throws SQLException {
        List<Difference> out = new ArrayList<>();
        bisect(r, h, 0, out);
        return out;
    }

    private void bisect(Range r, Hashes h, int depth, List<Difference> out) throws SQLException {
        long max = Math.max(h.fromCount(), h.toCount());
        if (max <= leafRows || depth >= MAX_DEPTH) {
            leaf(r, out);
            return;
        }
        boolean onFrom = h.fromCount() >= h.toCount();
        List<String> mid = split(onFrom ? from : to, onFrom ? sql.fromSplit(r.lower() != null, r.upper() != null)
                : sql.toSplit(r.lower() != null, r.upper() != null), r, max / 2 - 1);
        if (mid == null) {
            leaf(r, out);
            return;
        }
        Range left = new Range(r.lower(), mid);
        Range right = new Range(mid, r.upper());
        Hashes hl = hash(left);
        Hashes hr = h.minus(hl);
        if (hr.fromCount() < 0 || hr.toCount() < 0) {
            hr = hash(right); // rows came or went between the statements
        }
        if (!hl.equal()) {
            bisect(left, hl, depth + 1, out);
        }
        if (!hr.equal()) {
            bisect(right, hr, depth + 1, out);
        }
    }

    private void leaf(Range r, List<Difference> out) throws SQLException {
        boolean lo = r.lower() != null;
        boolean hi = r.upper() != null;
        Pair<List<SideRow>> rows = both(
                () -> rows(from, sql.fromRowsInRange(lo, hi), r),
                () -> rows(to, sql.toRowsInRange(lo, hi), r));
        List<Difference> diffs = table.rowDiff().diff(rows.from(), rows.to());
        if (!diffs.isEmpty()) {
            if (recheckDelayMillis > 0) {
                // a change in flight (change capture applies it a moment later) is then no difference
                try {
                    Thread.sleep(recheckDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("verify stopped during the re-check's wait", e);
                }
            }
            out.addAll(compareKeys(diffs.stream().map(Difference::keyText).toList()));
        }
    }

    /**
     * Fetches these keys on both sides and compares them (the re-check, and the sampled mode). In
     * reverse, a row that differs only through the plan's lossy reverse mapping is left out and
     * counted ({@link #lossy()}, {@link RoundTrip}).
     */
    List<Difference> compareKeys(List<List<String>> keys) throws SQLException {
        List<Difference> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += KEYS_PER_STATEMENT) {
            List<List<String>> batch = keys.subList(i, Math.min(keys.size(), i + KEYS_PER_STATEMENT));
            Pair<List<SideRow>> rows = both(
                    () -> rowsByKeys(from, sql.fromRowsByKeys(batch.size()), batch, table.keys(), table.columns()),
                    () -> rowsByKeys(to, sql.toRowsByKeys(batch.size()), batch, table.keys(), table.columns()));
            out.addAll(withoutLossy(table.rowDiff().diff(rows.from(), rows.to())));
        }
        return out;
    }

    /** Rows this comparer left out as lossy (in reverse only): their old row maps forward exactly onto the new row. */
    long lossy() {
        return lossy;
    }

    /**
     * In reverse, the differing rows whose difference the forward comparison of the same keys
     * explains (the old row maps forward onto the new row), taken out and counted; the rest kept.
     */
    private List<Difference> withoutLossy(List<Difference> diffs) throws SQLException {
        RoundTrip rt = table.roundTrip();
        if (rt == null) {
            return diffs;
        }
        List<List<String>> candidates = diffs.stream()
                .filter(d -> d.kind() == Difference.Kind.DIFFERENT && rt.covers(d.columns())).map(Difference::keyText).toList();
        if (candidates.isEmpty()) {
            return diffs;
        }
        // forward: the old database (this direction's to side) is the from side, the new one the compared side
        Pair<List<SideRow>> rows = both(
                () -> rowsByKeys(from, rt.sql().toRowsByKeys(candidates.size()), candidates, rt.keys(), rt.columns()),
                () -> rowsByKeys(to, rt.sql().fromRowsByKeys(candidates.size()), candidates, rt.keys(), rt.columns()));
        Set<List<String>> differingForward = new HashSet<>();
        rt.rowDiff().diff(rows.to(), rows.from()).forEach(d -> differingForward.add(d.keyText()));
        Set<List<String>> explained = new HashSet<>(candidates);
        explained.removeAll(differingForward);
        List<Difference> kept = new ArrayList<>();
        for (Difference d : diffs) {
            if (d.kind() == Difference.Kind.DIFFERENT && explained.contains(d.keyText())) {
                lossy++;
            } else {
                kept.add(d);
            }
        }
        return kept;
    }

    Hashes hash(Range r) throws SQLException {
        boolean lo = r.lower() != null;
        boolean hi = r.upper() != null;
        Pair<Object[]> h = both(() -> hashOne(from, sql.fromChunkHash(lo, hi), r), () -> hashOne(to, sql.toChunkHash(lo, hi), r));
        return new Hashes((long) h.from()[0], (BigInteger) h.from()[1], (long) h.to()[0], (BigInteger) h.to()[1]);
    }

    /** Row count and hash sum of a range on one side: {@code {Long, BigInteger}}. */
    private Object[] hashOne(Side side, String statement, Range r) {
        try {
            PreparedStatement ps = side.prepare(statement);
            bindRange(ps, r);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Object[] {rs.getLong(1), new BigInteger(rs.getString(2))};
            }
        } catch (SQLException e) {
            throw side.failure(table.name(), e);
        }
    }

    private List<String> split(Side side, String statement, Range r, long offset) throws SQLException {
        try {
            PreparedStatement ps = side.prepare(statement);
            int i = bindRange(ps, r);
            ps.setLong(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> key = new ArrayList<>();
                for (int k = 1; k <= table.keys(); k++) {
                    key.add(rs.getString(k));
                }
                return key;
            }
        } catch (SQLException e) {
            throw side.failure(table.name(), e);
        }
    }

    private List<SideRow> rows(Side side, String statement, Range r) throws SQLException {
        try {
            PreparedStatement ps = side.prepare(statement);
            bindRange(ps, r);
            try (ResultSet rs = ps.executeQuery()) {
                return SideRow.readAll(rs, table.keys(), table.columns());
            }
        } catch (SQLException e) {
            throw side.failure(table.name(), e);
        }
    }

    private List<SideRow> rowsByKeys(Side side, String statement, List<List<String>> keys, int keyCount, int columnCount)
            throws SQLException {
        try {
            PreparedStatement ps = side.prepare(statement);
            int i = 1;
            for (List<String> k : keys) {
                i = Side.bind(ps, i, k);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return SideRow.readAll(rs, keyCount, columnCount);
            }
        } catch (SQLException e) {
            throw side.failure(table.name(), e);
        }
    }

    private static int bindRange(PreparedStatement ps, Range r) throws SQLException {
        int i = 1;
        if (r.lower() != null) {
            i = Side.bind(ps, i, r.lower());
        }
        if (r.upper() != null) {
            i = Side.bind(ps, i, r.upper());
        }
        return i;
    }

    /** Runs the from side here and the to side on the helper thread, at the same time. */
    private record Pair<T>(T from, T to) {
    }

    private <T> Pair<T> both(Callable<T> onFrom, Callable<T> onTo) throws SQLException {
        Future<T> t = toThread.submit(onTo);
        T f;
        try {
            f = onFrom.call();
        } catch (SQLException | RuntimeException e) {
            t.cancel(true);
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try {
            return new Pair<>(f, t.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("comparison of " + table.name() + " interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof SQLException se) {
                throw se;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
