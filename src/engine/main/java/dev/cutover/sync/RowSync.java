package dev.cutover.sync;

import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
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
import java.util.Optional;
import java.util.Set;

/**
 * Re-syncs rows by key from the side that is the truth to the other side, through a {@link Flow}
 * (forward: old → new; reverse: new → old): each key is re-read from the truth now, then upserted
 * where the truth has it and deleted where it does not. Idempotent and order-independent, which is
 * what makes repair and failed-write replay safe to repeat and to run out of order.
 */
public final class RowSync {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RowSync.class);
    /** What one call did. */
    public record Result(int upserted, int deleted) {
        public Result plus(Result o) {
            return new Result(upserted + o.upserted, deleted + o.deleted);
        }
    }

    private static final int BATCH = 500;
    /** How deep parents of parents (or children of children) are brought along before giving up. */
    private static final int MAX_DEPTH = 4;
    /** Foreign-key fix-ups tried for one batch before its violation is reported. */
    private static final int MAX_FIXES = 4;

    private final Flow flow;
    /** The flow's statements, looked up at the first batch ({@link Statements}: made once per flow). */
    private Statements statements;
    /** Where each key column is in a projected row (the to-names of the projection). */
    private final int[] keyAt;
    private final String localSettings;
    private final Relations relations;
    private final int depth;
    private final boolean fillOnly;

    public RowSync(Flow flow) {
        this(flow, null);
    }

    /**
     * A re-sync that runs {@code localSettings} ({@code SET LOCAL …} statements) at the start of
     * each of its transactions on both sides: for pooled connections it does not own (the
     * application's), whose session settings it must not change.
     */
    public RowSync(Flow flow, String localSettings) {
        this(flow, localSettings, Relations.NONE);
    }

    /**
     * A re-sync that resolves foreign-key violations on the written side through {@code relations}:
     * a row whose parent the other side lacks has the parent re-synced from the truth first (a
     * sign-up whose mirror is still queued, replayed or repaired after the user's first order); a
     * key whose children still reference it there has them re-synced first (they are gone from the
     * truth too, or the truth is inconsistent and the violation is reported).
     */
    public RowSync(Flow flow, String localSettings, Relations relations) {
        this(flow, localSettings, relations, 0, false);
    }

    private RowSync(Flow flow, String localSettings, Relations relations, int depth, boolean fillOnly) {
        this.fillOnly = fillOnly;
        this.flow = flow;
        List<String> toColumns = flow.toColumns();
        this.keyAt = flow.key().stream().mapToInt(kc -> toColumns.indexOf(kc.toColumn())).toArray();
        this.localSettings = localSettings == null || localSettings.isBlank() ? null : localSettings;
        this.relations = relations == null ? Relations.NONE : relations;
        this.depth = depth;
    }

    /**
     * The backfill's variant: rows the other side lacks are inserted, rows it has are left as they
     * are, keys the truth lacks are left alone, and the truth is read without row locks (a plain
     * read, as the backfill's COPY is; it needs no UPDATE privilege on the truth). Foreign keys are
     * resolved as above, the parents brought along by the same rule. It never puts an older copy
     * over a newer row, since it never overwrites; a mirror that meets a row missing here is the
     * router's to queue.
     */
    public static RowSync fill(Flow flow, Relations relations) {
        return new RowSync(flow, null, relations, 0, true);
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
        List<List<String>> present = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = truth.prepareStatement(statements().read(keys.size(), !fillOnly))) {
            bindPadded(ps, keys);
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
        List<List<String>> absent = fillOnly ? List.of() : keys.stream().filter(k -> !found.contains(k)).distinct().toList();
        for (int fixes = 0; ; fixes++) {
            try {
                return write(other, rows, absent);
            } catch (WriteFailed f) {
                if (!f.cause.isForeignKeyViolation() || fixes >= MAX_FIXES || depth >= MAX_DEPTH
                        || !bringAlong(truth, other, Sql.constraint(f.cause.sql), rows, keys)) {
                    throw f.cause.error;
                }
            }
        }
    }

    /** A write of the other side that failed (rolled back), with what the caller needs to decide about it. */
    private static final class WriteFailed extends Exception {
        private final Failure cause;

        WriteFailed(Failure cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }

    private record Failure(SQLException sql, DbException error) {
        boolean isForeignKeyViolation() {
            return Sql.isForeignKeyViolation(sql);
        }
    }

    /** Upserts the truth's rows and deletes the keys it lacks, in one transaction of the other side. */
    private Result write(Connection other, List<String[]> rows, List<List<String>> absent) throws WriteFailed {
        int n = flow.key().size();
        boolean auto;
        try {
            auto = other.getAutoCommit();
            other.setAutoCommit(false);
        } catch (SQLException e) {
            throw new DbException("re-sync of " + flow.to() + ": " + Sql.message(e), e);
        }
        String[] current = null;
        int written = rows.size();
        try {
            local(other);
            if (!rows.isEmpty()) {
                try (PreparedStatement up = other.prepareStatement(fillOnly ? statements().insertMissing() : statements().upsert())) {
                    for (String[] row : rows) {
                        current = row;
                        for (int c = 0; c < row.length; c++) {
                            up.setString(c + 1, row[c]);
                        }
                        up.addBatch();
                    }
                    written = 0;
                    for (int u : up.executeBatch()) {
                        written += u == Statement.SUCCESS_NO_INFO ? 1 : Math.max(u, 0);
                    }
                }
            }
            current = null;
            int deleted = 0;
            if (!absent.isEmpty()) {
                try (PreparedStatement del = other.prepareStatement(statements().delete(absent.size()))) {
                    bindPadded(del, absent);
                    deleted = del.executeUpdate();
                }
            }
            other.commit();
            return new Result(fillOnly ? written : rows.size(), deleted);
        } catch (SQLException e) {
            try {
                other.rollback();
            } catch (SQLException ignored) {
                // connection gone; the original error says why
            }
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            String where = current != null ? " row " + KeyJson.toSide(flow, keyOf(current)) : "";
            throw new WriteFailed(new Failure(e, new DbException("re-sync of " + flow.to() + " failed at"
                    + (where.isEmpty() ? " " + n + "-column key batch" : where) + ": " + Sql.message(cause), e)));
        } finally {
            try {
                other.setAutoCommit(auto);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    /**
     * Resolves the foreign-key violation {@code constraint} of a write by re-syncing, from the
     * truth and in the truth's open transaction, the rows that stand in its way: the parents the
     * rows reference (a key declared on this table) or the children that reference these keys (a
     * key declared on another table). False when it knows of nothing to re-sync.
     */
    private boolean bringAlong(Connection truth, Connection other, String constraint, List<String[]> rows,
                               List<List<String>> keys) {
        if (constraint == null) {
            return false;
        }
        for (Schema.ForeignKey fk : relations.foreignKeysOf(flow.to())) {
            if (fk.name().equals(constraint)) {
                Optional<Flow> parent = relations.flowInto(fk.references());
                List<List<String>> parentKeys = parent.map(p -> parentKeys(fk, p, rows)).orElse(List.of());
                if (parentKeys.isEmpty()) {
                    return false;
                }
                LOG.info("re-sync of {}: bringing {} referenced row(s) of {} along first ({})", flow.to(), parentKeys.size(),
                        fk.references(), constraint);
                new RowSync(parent.get(), localSettings, relations, depth + 1, fillOnly).batch(truth, other, parentKeys);
                return true;
            }
        }
        for (Relations.Referencing r : relations.referencing(flow.to())) {
            if (r.key().name().equals(constraint)) {
                Optional<Flow> child = relations.flowInto(r.table());
                List<List<String>> childKeys = child.map(c -> childKeys(other, c, r.key(), keys)).orElse(List.of());
                if (childKeys.isEmpty()) {
                    return false;
                }
                LOG.info("re-sync of {}: re-syncing {} referencing row(s) of {} first ({})", flow.to(), childKeys.size(),
                        r.table(), constraint);
                new RowSync(child.get(), localSettings, relations, depth + 1, fillOnly).batch(truth, other, childKeys);
                return true;
            }
        }
        return false;
    }

    /**
     * The parent keys (in the parent flow's key order) the rows reference through {@code fk}; empty
     * when the key does not reach every key column of the parent. Rows with a NULL reference are
     * not constrained and are skipped.
     */
    private List<List<String>> parentKeys(Schema.ForeignKey fk, Flow parent, List<String[]> rows) {
        List<String> toColumns = flow.toColumns();
        int[] at = new int[parent.key().size()];
        for (int i = 0; i < at.length; i++) {
            int ref = fk.referencedColumns().indexOf(parent.key().get(i).toColumn());
            at[i] = ref < 0 ? -1 : toColumns.indexOf(fk.columns().get(ref));
            if (at[i] < 0) {
                return List.of();
            }
        }
        Set<List<String>> out = new java.util.LinkedHashSet<>();
        for (String[] row : rows) {
            List<String> k = new ArrayList<>(at.length);
            for (int idx : at) {
                k.add(row[idx]);
            }
            if (!k.contains(null)) {
                out.add(k);
            }
        }
        return new ArrayList<>(out);
    }

    /** The keys of the other side's rows of {@code child} that reference these keys of this flow's table. */
    private List<List<String>> childKeys(Connection other, Flow child, Schema.ForeignKey fk, List<List<String>> keys) {
        List<List<String>> out = new ArrayList<>();
        try (PreparedStatement ps = other.prepareStatement(SyncSql.childKeys(child, fk, flow, keys.size()))) {
            int p = 1;
            for (List<String> k : keys) {
                for (String v : k) {
                    ps.setString(p++, v);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> k = new ArrayList<>();
                    for (int i = 1; i <= child.key().size(); i++) {
                        k.add(rs.getString(i));
                    }
                    out.add(k);
                }
            }
            if (!other.getAutoCommit()) {
                other.rollback(); // a read only; leave no transaction open for the re-sync that follows
            }
        } catch (SQLException e) {
            throw new DbException("re-sync of " + flow.to() + ": cannot read the rows of " + child.to() + " that reference it: "
                    + Sql.message(e), e);
        }
        return out;
    }

    /** The key values of a projected row: key columns appear in the projection under their to-names. */
    private List<String> keyOf(String[] row) {
        List<String> k = new ArrayList<>(keyAt.length);
        for (int idx : keyAt) {
            k.add(row[idx]);
        }
        return k;
    }

    private Statements statements() {
        if (statements == null) {
            statements = Statements.of(flow);
        }
        return statements;
    }

    /**
     * Binds {@code keys} to a statement made for {@link Statements#slots} of them: the places past
     * the last key get the last key again (a key listed twice in {@code IN (…)} changes nothing).
     */
    private static void bindPadded(PreparedStatement ps, List<List<String>> keys) throws SQLException {
        int p = 1;
        for (List<String> k : keys) {
            for (String v : k) {
                ps.setString(p++, v);
            }
        }
        List<String> last = keys.get(keys.size() - 1);
        for (int i = keys.size(), slots = Statements.slots(keys.size()); i < slots; i++) {
            for (String v : last) {
                ps.setString(p++, v);
            }
        }
    }

    /**
     * The statements of a flow, made once per flow and key count: change capture re-syncs a few to
     * a few hundred keys many times a second, and building (and checking, {@code OneStatement}) a
     * read of n keys each time cost more than the rest of the client's work. The key count is
     * rounded up to a power of two (at most {@link #BATCH}) so that a connection sees at most a
     * dozen texts per flow, and pgjdbc's statement cache turns each into a server-side prepared
     * statement after a few uses (no parse on the server from then on).
     */
    private static final class Statements {
        private static final java.util.Map<Flow, Statements> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        private final Flow flow;
        private final String upsert;
        private final String insertMissing;
        /** By {@link #slots}: at most a dozen texts each (powers of two up to {@link #BATCH}). */
        private final java.util.Map<Integer, String> reads = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<Integer, String> readsForShare = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<Integer, String> deletes = new java.util.concurrent.ConcurrentHashMap<>();

        private Statements(Flow flow) {
            this.flow = flow;
            this.upsert = SyncSql.upsert(flow);
            this.insertMissing = SyncSql.insertMissing(flow);
        }

        static Statements of(Flow flow) {
            Statements s = CACHE.get(flow);
            if (s == null) {
                if (CACHE.size() > 1000) {
                    CACHE.clear(); // plans re-resolved many times over in one process: start over rather than grow
                }
                s = CACHE.computeIfAbsent(flow, Statements::new);
            }
            return s;
        }

        /** How many keys a statement for {@code n} keys is made for: the next power of two, at most {@link #BATCH} (or n above it). */
        static int slots(int n) {
            if (n > BATCH) {
                return n;
            }
            int p = Integer.highestOneBit(Math.max(1, n));
            p = p == n ? n : p << 1;
            return Math.min(p, BATCH);
        }

        String upsert() {
            return upsert;
        }

        String insertMissing() {
            return insertMissing;
        }

        /** The truth's read of n keys, with its rows locked {@code FOR SHARE} or not. */
        String read(int n, boolean forShare) {
            return made(forShare ? readsForShare : reads, n, k -> SyncSql.readByKeys(flow, k) + (forShare ? "\nFOR SHARE OF src" : ""));
        }

        String delete(int n) {
            return made(deletes, n, k -> SyncSql.deleteByKeys(flow, k));
        }

        /** The text for {@link #slots}{@code (n)} keys, made once; above {@link #BATCH} (never kept) made each time. */
        private static String made(java.util.Map<Integer, String> texts, int n, java.util.function.IntFunction<String> make) {
            int k = slots(n);
            return n > BATCH ? make.apply(k) : texts.computeIfAbsent(k, make::apply);
        }
    }
}
