package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sync.RowSync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Re-syncs every differing row from the side that is the truth: runs the comparison itself and,
 * as each chunk's differences are confirmed, re-reads those keys on the truth side at that
 * moment (not the rows the comparison saw), then upserts the rows the truth has and deletes the
 * keys it no longer has ({@link RowSync}). The truth rows are read {@code FOR SHARE} in a transaction
 * held until the other side is written, so an application write to one of those rows (and its mirror) waits
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

    /** Re-syncs one chunk's differing keys through {@link RowSync}, on the comparison's own connections. */
    private void resync(TableCheck table, List<Difference> diffs, Side truth, Side other) {
        List<List<String>> keys = diffs.stream().map(Difference::keyText).toList();
        RowSync.Result r = new RowSync(table.flow()).sync(truth.connection(), other.connection(), keys);
        AtomicLong[] c = counts(table.name());
        c[0].addAndGet(r.upserted());
        c[1].addAndGet(r.deleted());
    }
}
