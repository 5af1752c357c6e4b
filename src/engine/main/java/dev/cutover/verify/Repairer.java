package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.plan.Plan;
import dev.cutover.sql.VerifySql;
import dev.cutover.sync.RowSync;
import dev.cutover.work.Throttle;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Re-syncs differing rows from the side that is the truth, through {@link RowSync}: each key is
 * re-read on the truth side at that moment (not the row the comparison saw), upserted on the other
 * side where the truth has it and deleted where it does not. The truth rows are read {@code FOR SHARE}
 * in a transaction held until the other side is written, so an application write to one of those
 * rows (and its mirror) waits and lands after the repair, never under it.
 *
 * <p>{@link #repair()} runs the whole comparison (as a chunked job, like {@link Verifier}) and
 * re-syncs each chunk's confirmed differences as they are found; {@link #repair(List)} re-syncs
 * only the given differences by key and compares those keys again.
 */
public final class Repairer {
    private final Verifier verifier;

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

    /** What a repair of chosen differences did, and those of its keys that still differ when compared again. */
    public record Selected(List<TableRepair> tables, List<Difference> stillDiffering) {
        public Selected {
            tables = List.copyOf(tables);
            stillDiffering = List.copyOf(stillDiffering);
        }

        public long upserted() {
            return tables.stream().mapToLong(TableRepair::upserted).sum();
        }

        public long deleted() {
            return tables.stream().mapToLong(TableRepair::deleted).sum();
        }
    }

    /** The live throttle of the comparison. */
    public Throttle throttle() {
        return verifier.throttle();
    }

    public void stop() {
        verifier.stop();
    }

    /** Compares every row and re-syncs every confirmed difference (the report is what was found before repairing). */
    public Result repair() {
        Verifier.Outcome o = verifier.run(true);
        List<TableRepair> out = new ArrayList<>();
        for (TableReport t : o.report().tables()) {
            long[] c = o.repaired().getOrDefault(t.table(), new long[2]);
            out.add(new TableRepair(t.table(), c[0], c[1]));
        }
        return new Result(o.report(), out);
    }

    /**
     * Re-syncs exactly these differences by key from the truth side (the options' direction), then
     * fetches those keys on both sides again and returns the ones that still differ (a truth row
     * written again in between, say). Differences name their table as the comparison did.
     */
    public Selected repair(List<Difference> differences) {
        Map<String, List<List<String>>> keysByTable = new LinkedHashMap<>();
        for (Difference d : differences) {
            List<List<String>> keys = keysByTable.computeIfAbsent(d.table(), t -> new ArrayList<>());
            if (!keys.contains(d.keyText())) {
                keys.add(d.keyText());
            }
        }
        if (keysByTable.isEmpty()) {
            return new Selected(List.of(), List.of());
        }
        VerifyOptions o = verifier.options();
        Db fromDb = Resolver.fromDb(o.direction(), verifier.oldDb(), verifier.newDb());
        Db toDb = Resolver.toDb(o.direction(), verifier.oldDb(), verifier.newDb());
        ExecutorService toThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cutover-repair-to-side");
            t.setDaemon(true);
            return t;
        });
        try (Side from = new Side(fromDb); Side to = new Side(toDb)) {
            VerifySql.Hash hash = Resolver.hashFunction(from, to);
            List<TableCheck> checks = Resolver.resolve(verifier.plan(), o.direction(), new ArrayList<>(keysByTable.keySet()),
                    from, to, hash);
            List<TableRepair> done = new ArrayList<>();
            List<Difference> still = new ArrayList<>();
            for (Map.Entry<String, List<List<String>>> e : keysByTable.entrySet()) {
                TableCheck check = checks.stream().filter(c -> c.name().equals(e.getKey())).findFirst()
                        .orElseThrow(() -> new DbException("cannot repair table " + e.getKey() + ": it is not the compared side of any table of plan "
                                + verifier.plan().name() + " in the " + o.direction().name().toLowerCase(java.util.Locale.ROOT) + " direction"));
                RowSync.Result r = check.resync().sync(from.connection(), to.connection(), e.getValue());
                done.add(new TableRepair(check.name(), r.upserted(), r.deleted()));
                still.addAll(new ChunkComparer(check, from, to, toThread, o.leafRows()).compareKeys(e.getValue()));
            }
            return new Selected(done, still);
        } catch (SQLException e) {
            throw new DbException("re-checking the repaired keys failed: " + dev.cutover.pg.Sql.message(e), e);
        } finally {
            toThread.shutdownNow();
        }
    }
}
