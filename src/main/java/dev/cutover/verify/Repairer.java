package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Flow;
import dev.cutover.sql.SyncSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Re-syncs every differing row from the side that is the truth: runs the comparison itself and,
 * as each chunk's differences are confirmed, re-reads those keys on the truth side at that
 * moment (not the rows the comparison saw), then upserts the rows the truth has and deletes the
 * keys it no longer has. The truth rows are read {@code FOR SHARE} in a transaction held until the
 * other side is written, so an application write to one of those rows (and its mirror) waits
 * and lands after the repair, never under it.
 */
public final class Repairer {
    private final Verifier verifier;
    private final Map<String, AtomicLong[]> done = new ConcurrentHashMap<>();

    /** The direction of {@code options} says which side is the truth: old going forward, new in reverse. */
    public Repairer(Plan plan, Db oldDb, Db newDb, VerifyOptions options, VerifyListener listener) {
        this.verifier = new Verifier(plan, oldDb, newDb, options, listener);
    }

    public record Result(VerifyReport found, List<TableRepair> tables) {
        public long upserted() {
            return tables.stream().mapToLong(TableRepair::upserted).sum();
        }

        public long deleted() {
            return tables.stream().mapToLong(TableRepair::deleted).sum();
        }
    }

    public Result repair() {
        VerifyReport found = verifier.run(this::resync);
        List<TableRepair> out = new ArrayList<>();
        for (TableReport t : found.tables()) {
            AtomicLong[] c = counts(t.table());
            out.add(new TableRepair(t.table(), c[0].get(), c[1].get()));
        }
        return new Result(found, out);
    }

    private AtomicLong[] counts(String table) {
        return done.computeIfAbsent(table, t -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
    }

    private void resync(TableCheck table, List<Difference> diffs, Side truth, Side other) throws SQLException {
        Flow flow = table.flow();
        List<List<String>> keys = diffs.stream().map(Difference::keyText).toList();
        int[] keyAt = keyPositions(flow);
        Connection tc = truth.connection();
        tc.setAutoCommit(false);
        try {
            Set<List<String>> present = new HashSet<>();
            try (PreparedStatement read = tc.prepareStatement(SyncSql.readByKeys(flow, keys.size()) + "\nFOR SHARE OF src")) {
                int i = 1;
                for (List<String> k : keys) {
                    i = Side.bind(read, i, k);
                }
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        List<String> values = new ArrayList<>();
                        for (int c = 1; c <= flow.columns().size(); c++) {
                            values.add(rs.getString(c));
                        }
                        List<String> key = new ArrayList<>();
                        for (int p : keyAt) {
                            key.add(values.get(p));
                        }
                        present.add(key);
                        upsert(table, other, values, key);
                    }
                }
            } catch (SQLException e) {
                throw truth.failure(table.name(), e);
            }
            List<List<String>> gone = keys.stream().filter(k -> !present.contains(k)).toList();
            if (!gone.isEmpty()) {
                delete(table, other, gone);
            }
            tc.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                tc.rollback();
            } catch (SQLException ignored) {
                // the connection is gone; the failure below says why
            }
            throw e;
        } finally {
            try {
                tc.setAutoCommit(true);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    private void upsert(TableCheck table, Side other, List<String> values, List<String> key) {
        try {
            PreparedStatement ps = other.prepare(SyncSql.upsert(table.flow()));
            Side.bind(ps, 1, values);
            ps.executeUpdate();
            counts(table.name())[0].incrementAndGet();
        } catch (SQLException e) {
            throw new DbException("repair of " + table.name() + " key " + key + " failed on the " + other.role() + ": "
                    + Sql.message(e), e);
        }
    }

    private void delete(TableCheck table, Side other, List<List<String>> keys) {
        try (PreparedStatement ps = other.connection().prepareStatement(SyncSql.deleteByKeys(table.flow(), keys.size()))) {
            int i = 1;
            for (List<String> k : keys) {
                i = Side.bind(ps, i, k);
            }
            counts(table.name())[1].addAndGet(ps.executeUpdate());
        } catch (SQLException e) {
            throw new DbException("repair of " + table.name() + " (deleting " + keys.size() + " rows) failed on the "
                    + other.role() + ": " + Sql.message(e), e);
        }
    }

    /** Where each key column sits among the flow's projected columns (keys map unchanged, so they are projected). */
    private static int[] keyPositions(Flow flow) {
        List<String> cols = flow.toColumns();
        return flow.key().stream().mapToInt(k -> {
            int p = cols.indexOf(k.toColumn());
            if (p < 0) {
                throw new IllegalStateException("key column " + k.toColumn() + " is not among the mapped columns");
            }
            return p;
        }).toArray();
    }
}
