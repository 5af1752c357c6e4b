package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanException;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.VerifySql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Compares every table of a plan, exactly: forward the old database's rows after the mapping
 * with the new database's rows; in reverse the new database's rows through the reverse mappings
 * with the old database's. Tables are walked in key-ordered chunks on the from side; see
 * {@link ChunkComparer} for the comparison of one chunk. Nothing is decided until every chunk is
 * compared: any failure (a dropped connection, a missing column) ends the run with an exception
 * and no verdict.
 */
public final class Verifier {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final Plan plan;
    private final Db fromDb;
    private final Db toDb;
    private final VerifyOptions options;
    private final VerifyListener listener;

    /** {@code oldDb}/{@code newDb} as the user named them; the direction picks which one is the from side. */
    public Verifier(Plan plan, Db oldDb, Db newDb, VerifyOptions options, VerifyListener listener) {
        this.plan = plan;
        this.fromDb = options.direction() == Direction.FORWARD ? oldDb : newDb;
        this.toDb = options.direction() == Direction.FORWARD ? newDb : oldDb;
        this.options = options;
        this.listener = listener;
    }

    /** Compares and reports. */
    public VerifyReport verify() {
        return run(null);
    }

    /** Compares, and hands each table's confirmed differences also to {@code action} (repair). */
    VerifyReport run(ChunkComparer.Sink action) {
        long start = System.nanoTime();
        Instant at = Instant.now();
        Tally tally = new Tally(listener);
        ChunkComparer.Sink sink = action == null ? tally : (t, d, f, to) -> {
            tally.accept(t, d, f, to);
            action.accept(t, d, f, to);
        };
        List<Side> opened = new ArrayList<>();
        try {
            Side from = open(opened, fromDb);
            Side to = open(opened, toDb);
            List<TableCheck> checks = resolve(from, to);
            RateLimit limit = new RateLimit(options.maxRowsPerSec());
            List<TableReport> reports = new ArrayList<>();
            for (TableCheck t : checks) {
                listener.tableStarted(t.name(), t.estimate());
                long rows = options.sampled() ? sample(t, new Side[] {from, to}, sink)
                        : new TableWalk(t, fromDb, toDb, options, listener, sink, tally, limit).run(opened);
                TableReport r = tally.report(t.name(), rows);
                reports.add(r);
                listener.tableDone(r);
            }
            return new VerifyReport(options.direction(), options.sampled(), options.tables().isEmpty(), at,
                    (System.nanoTime() - start) / 1_000_000, reports, tally.first());
        } finally {
            synchronized (opened) {
                opened.forEach(Side::close);
            }
        }
    }

    private static Side open(List<Side> opened, Db db) {
        Side s = new Side(db);
        opened.add(s);
        return s;
    }

    /** The plan's tables (or those named in the options), checked against both live schemas before anything runs. */
    List<TableCheck> resolve(Side from, Side to) {
        Schema fromSchema = schema(from);
        Schema toSchema = schema(to);
        boolean forward = options.direction() == Direction.FORWARD;
        Schema oldSchema = forward ? fromSchema : toSchema;
        Schema newSchema = forward ? toSchema : fromSchema;
        Db oldDb = forward ? fromDb : toDb;
        Db newDb = forward ? toDb : fromDb;
        List<TableMapping> mappings = new ArrayList<>();
        if (options.tables().isEmpty()) {
            mappings.addAll(plan.tables());
        } else {
            for (String name : options.tables()) {
                mappings.add(plan.table(name).orElseThrow(() -> new PlanException(
                        "plan " + plan.name() + " has no table " + name)));
            }
        }
        if (mappings.isEmpty()) {
            throw new PlanException("plan " + plan.name() + " has no tables to verify");
        }
        VerifySql.Hash hash = hashFunction(from, to);
        List<TableCheck> out = new ArrayList<>();
        for (TableMapping m : mappings) {
            Schema.Table src = oldSchema.table(m.source()).orElseThrow(() -> new PlanException(
                    "plan " + plan.name() + ": source table " + m.source() + " does not exist in the " + oldDb.role()));
            Schema.Table tgt = newSchema.table(m.target()).orElseThrow(() -> new PlanException(
                    "plan " + plan.name() + ": target table " + m.target() + " does not exist in the " + newDb.role()));
            MappingSql mapping = new MappingSql(m, src, tgt);
            Flow flow;
            try {
                flow = mapping.flow(options.direction());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new PlanException("plan " + plan.name() + ", table " + m.target() + ": " + e.getMessage(), e);
            }
            Schema.Table fromTable = forward ? src : tgt;
            out.add(new TableCheck(flow.to().table(), flow, new VerifySql(flow, hash, mapping.fromTypes(options.direction())),
                    fromTable.rowEstimate()));
        }
        for (TableCheck t : out) {
            probeStatements(t, from, to);
        }
        return out;
    }

    private Schema schema(Side side) {
        try {
            return SchemaReader.read(side.connection());
        } catch (SQLException e) {
            throw new DbException("cannot read the tables of the " + side.role() + ": " + dev.cutover.pg.Sql.message(e), e);
        }
    }

    /**
     * Runs each side's hash statement over no rows, so that an expression that does not fit the
     * live schema (a column the mapping names that is gone) fails before any chunk is compared.
     */
    private static void probeStatements(TableCheck t, Side from, Side to) {
        for (Side s : List.of(from, to)) {
            String q = (s == from ? t.sql().fromChunkHash(false, false) : t.sql().toChunkHash(false, false)) + " WHERE false";
            try (Statement st = s.connection().createStatement()) {
                st.executeQuery(q).close();
            } catch (SQLException e) {
                if (dev.cutover.pg.Sql.isTransient(e)) {
                    throw s.failure(t.name(), e);
                }
                throw new PlanException("cannot compare table " + t.name() + " on the " + s.role() + ": "
                        + dev.cutover.pg.Sql.message(e), e);
            }
        }
    }

    /** hashtextextended when both servers compute the same value for a probe text, else md5. */
    static VerifySql.Hash hashFunction(Side from, Side to) {
        String a = probe(from);
        String b = probe(to);
        if (a != null && a.equals(b)) {
            return VerifySql.Hash.HASHTEXTEXTENDED;
        }
        LOG.info("hashtextextended differs between the {} and the {} ({} vs {}); hashing with md5", from.role(), to.role(), a, b);
        return VerifySql.Hash.MD5;
    }

    private static String probe(Side s) {
        try (Statement st = s.connection().createStatement(); ResultSet rs = st.executeQuery(VerifySql.probe())) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            LOG.info("hash probe failed on the {}: {}", s.role(), e.getMessage());
            return null;
        }
    }

    /** The sampled mode: random keys of both sides, fetched and compared by key. Returns the keys compared. */
    private long sample(TableCheck t, Side[] sides, ChunkComparer.Sink sink) {
        int fromN = Math.max(1, options.sample() - options.sample() / 10);
        int toN = Math.max(1, options.sample() / 10);
        Set<List<String>> keys = new LinkedHashSet<>();
        keys.addAll(sampleKeys(t, sides[0], t.flow().fromTable(), t.sql().fromSampleKeys(), fromN));
        keys.addAll(sampleKeys(t, sides[1], t.flow().toTable(), t.sql().toSampleKeys(), toN));
        ExecutorService helper = Executors.newSingleThreadExecutor();
        try {
            ChunkComparer cmp = new ChunkComparer(t, sides[0], sides[1], helper, options.leafRows(), sink);
            cmp.report(cmp.compareKeys(new ArrayList<>(keys)));
            listener.progress(t.name(), keys.size(), keys.size(), 0);
        } catch (SQLException e) {
            throw new DbException("comparing " + t.name() + " failed: " + dev.cutover.pg.Sql.message(e), e);
        } finally {
            helper.shutdownNow();
        }
        return keys.size();
    }

    private static List<List<String>> sampleKeys(TableCheck t, Side side, String quotedTable, String statement, int n) {
        long estimate = estimate(side, quotedTable);
        double pct = estimate <= 0 ? 100.0 : Math.min(100.0, Math.max(0.001, 100.0 * n * 4 / estimate));
        List<List<String>> out = new ArrayList<>();
        try {
            PreparedStatement ps = side.prepare(statement);
            ps.setDouble(1, pct);
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> k = new ArrayList<>();
                    for (int i = 1; i <= t.keys(); i++) {
                        k.add(rs.getString(i));
                    }
                    out.add(k);
                }
            }
        } catch (SQLException e) {
            throw side.failure(t.name(), e);
        }
        return out;
    }

    private static long estimate(Side side, String quotedTable) {
        try (PreparedStatement ps = side.connection().prepareStatement(VerifySql.rowEstimate())) {
            ps.setString(1, quotedTable);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            return 0;
        }
    }
}
