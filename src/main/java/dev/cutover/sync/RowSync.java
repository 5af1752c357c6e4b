package dev.cutover.sync;

import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.sql.Flow;
import dev.cutover.sql.KeyJson;
import dev.cutover.sql.SyncSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Re-syncs rows by key from the side that is the truth to the other side, through a {@link Flow}
 * (forward: old → new; reverse: new → old): each key is re-read from the truth now, then upserted
 * where the truth has it and deleted where it does not. Idempotent and order-independent, which is
 * what makes repair and failed-write replay safe to repeat and to run out of order.
 */
public final class RowSync {
    /** What one call did. */
    public record Result(int upserted, int deleted) {
        public Result plus(Result o) {
            return new Result(upserted + o.upserted, deleted + o.deleted);
        }
    }

    private static final int BATCH = 500;

    private final Flow flow;
    private final String localSettings;

    public RowSync(Flow flow) {
        this(flow, null);
    }

    /**
     * A re-sync that runs {@code localSettings} ({@code SET LOCAL …} statements) at the start of
     * each of its transactions on both sides: for pooled connections it does not own (the
     * application's), whose session settings it must not change.
     */
    public RowSync(Flow flow, String localSettings) {
        this.flow = flow;
        this.localSettings = localSettings == null || localSettings.isBlank() ? null : localSettings;
    }

    public Flow flow() {
        return flow;
    }

    /**
     * Re-syncs the given keys (each a list of key values in their text form, in key order), one
     * batch at a time: the truth rows are read {@code FOR SHARE} in a transaction that stays open
     * until the other side has committed, so a write to the truth that races with the re-sync waits
     * and its own mirror lands after ours — an older copy can never overwrite a newer one.
     */
    public Result sync(Connection truth, Connection other, List<List<String>> keys) {
        Result total = new Result(0, 0);
        for (int i = 0; i < keys.size(); i += BATCH) {
            List<List<String>> batch = keys.subList(i, Math.min(keys.size(), i + BATCH));
            boolean auto = autoCommit(truth);
            try {
                truth.setAutoCommit(false);
                local(truth);
                total = total.plus(batch(truth, other, batch));
                truth.commit();
            } catch (SQLException e) {
                throw new DbException("re-sync of " + flow.to() + ": " + Sql.message(e), e);
            } finally {
                try {
                    if (!truth.getAutoCommit()) {
                        truth.rollback();
                    }
                    truth.setAutoCommit(auto);
                } catch (SQLException ignored) {
                    // connection gone; the error above says why
                }
            }
        }
        return total;
    }

    private void local(Connection c) throws SQLException {
        if (localSettings != null) {
            try (Statement s = c.createStatement()) {
                s.execute(localSettings);
            }
        }
    }

    private static boolean autoCommit(Connection c) {
        try {
            return c.getAutoCommit();
        } catch (SQLException e) {
            throw new DbException(Sql.message(e), e);
        }
    }

    private Result batch(Connection truth, Connection other, List<List<String>> keys) {
        int n = flow.key().size();
        List<List<String>> present = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = truth.prepareStatement(SyncSql.readByKeys(flow, keys.size()) + "\nFOR SHARE OF src")) {
            int p = 1;
            for (List<String> k : keys) {
                for (String v : k) {
                    ps.setString(p++, v);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                int cols = flow.columns().size();
                while (rs.next()) {
                    String[] row = new String[cols];
                    for (int c = 0; c < cols; c++) {
                        row[c] = rs.getString(c + 1);
                    }
                    rows.add(row);
                    present.add(keyOf(row));
                }
            }
        } catch (SQLException e) {
            throw new DbException("re-sync of " + flow.to() + ": cannot read " + keys.size() + " keys from " + flow.from()
                    + " (first " + KeyJson.fromSide(flow, keys.get(0)) + "): " + Sql.message(e), e);
        }
        Set<List<String>> found = new HashSet<>(present);
        List<List<String>> absent = keys.stream().filter(k -> !found.contains(k)).distinct().toList();
        boolean auto;
        try {
            auto = other.getAutoCommit();
            other.setAutoCommit(false);
        } catch (SQLException e) {
            throw new DbException("re-sync of " + flow.to() + ": " + Sql.message(e), e);
        }
        String[] current = null;
        try {
            local(other);
            if (!rows.isEmpty()) {
                try (PreparedStatement up = other.prepareStatement(SyncSql.upsert(flow))) {
                    for (String[] row : rows) {
                        current = row;
                        for (int c = 0; c < row.length; c++) {
                            up.setString(c + 1, row[c]);
                        }
                        up.addBatch();
                    }
                    up.executeBatch();
                }
            }
            current = null;
            int deleted = 0;
            if (!absent.isEmpty()) {
                try (PreparedStatement del = other.prepareStatement(SyncSql.deleteByKeys(flow, absent.size()))) {
                    int p = 1;
                    for (List<String> k : absent) {
                        for (String v : k) {
                            del.setString(p++, v);
                        }
                    }
                    deleted = del.executeUpdate();
                }
            }
            other.commit();
            return new Result(rows.size(), deleted);
        } catch (SQLException e) {
            try {
                other.rollback();
            } catch (SQLException ignored) {
                // connection gone; the original error says why
            }
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            String where = current != null ? " row " + KeyJson.toSide(flow, keyOf(current)) : "";
            throw new DbException("re-sync of " + flow.to() + " failed at" + (where.isEmpty() ? " " + n + "-column key batch" : where)
                    + ": " + Sql.message(cause), e);
        } finally {
            try {
                other.setAutoCommit(auto);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    /** The key values of a projected row: key columns appear in the projection under their to-names. */
    private List<String> keyOf(String[] row) {
        List<String> k = new ArrayList<>();
        for (Flow.KeyColumn kc : flow.key()) {
            int idx = flow.toColumns().indexOf(kc.toColumn());
            k.add(row[idx]);
        }
        return k;
    }
}
