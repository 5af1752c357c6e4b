package dev.cutover.demo;

import dev.cutover.route.ReadOp;
import dev.cutover.route.WriteOp;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * The sample application without the router, as change capture ({@code cutover sync}) and the write
 * flip ({@code cutover flip-writes}) see an application: every read and write runs with plain JDBC
 * on the one database the application points at — the old one until told otherwise — using
 * {@link SaasApp}'s SQL for that side. {@link #switchTo} is the operator's "SWITCH NOW" (a changed
 * connection string). A write the flip's block refuses (SQLSTATE 25006, {@code
 * read_only_sql_transaction}) waits for the switch and is retried on the side writes moved to: it is
 * delayed, not failed, and counted ({@link #delayedWrites}, {@link #longestWaitMillis}).
 */
public final class DirectSides implements SaasApp.Runner {
    /** The SQLSTATE of a write the flip's block refuses. */
    static final String REFUSED = "25006";

    private final DataSource oldDs;
    private final DataSource newDs;
    private final long maxWaitMillis;
    private final Object lock = new Object();
    private volatile boolean onNew;
    private final AtomicLong switches = new AtomicLong();
    private final LongAdder delayed = new LongAdder();
    private final LongAccumulator longestWait = new LongAccumulator(Math::max, 0);

    /**
     * Starts on the old database; a refused write waits at most {@code maxWaitMillis} for the
     * switch, then fails with the refusal.
     */
    public DirectSides(DataSource oldDs, DataSource newDs, long maxWaitMillis) {
        this.oldDs = oldDs;
        this.newDs = newDs;
        this.maxWaitMillis = maxWaitMillis;
    }

    /** Points every later read and write at the new database ({@code true}) or the old one; wakes refused writes. */
    public void switchTo(boolean toNew) {
        synchronized (lock) {
            if (onNew != toNew) {
                onNew = toNew;
                switches.incrementAndGet();
            }
            lock.notifyAll();
        }
    }

    public boolean onNew() {
        return onNew;
    }

    public String side() {
        return onNew ? "new" : "old";
    }

    /** Writes refused by a write block and retried on the other side after the switch. */
    public long delayedWrites() {
        return delayed.sum();
    }

    /** The longest a refused write waited for the switch, in milliseconds. */
    public long longestWaitMillis() {
        return longestWait.get();
    }

    @Override
    public long write(WriteOp op, int tenant, Object... params) throws SQLException {
        boolean waited = false;
        while (true) {
            long seen = switches.get();
            boolean toNew = onNew;
            try {
                long n = op.runOn(toNew ? newDs : oldDs, toNew, params);
                if (waited) {
                    delayed.increment();
                }
                return n;
            } catch (SQLException e) {
                if (!REFUSED.equals(e.getSQLState())) {
                    throw e;
                }
                waited = true;
                awaitSwitch(seen, e);
            }
        }
    }

    @Override
    public <T> List<T> read(ReadOp<T> op, int tenant, Object... params) throws SQLException {
        boolean toNew = onNew;
        return op.runOn(toNew ? newDs : oldDs, toNew, params);
    }

    /** Waits until the side was switched since {@code seen}; the refusal is rethrown after {@link #maxWaitMillis}. */
    private void awaitSwitch(long seen, SQLException refused) throws SQLException {
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        synchronized (lock) {
            while (switches.get() == seen) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw refused;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw refused;
                }
            }
        }
        longestWait.accumulate(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
}
