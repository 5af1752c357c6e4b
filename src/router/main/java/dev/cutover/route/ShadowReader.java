package dev.cutover.route;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Shadow reads off the caller's path: the same read on the other side, compared with
 * {@link ResultComparison}. A difference is re-checked once, after {@code recheckDelay}, by
 * running both sides again, so a mirror write still in flight is not reported as a data
 * mismatch; only a difference that persists counts, and is sampled. In A/A mode both results come
 * from the old database, which measures the comparison's own noise. At most {@code maxInFlight}
 * comparisons wait at once; beyond that a shadow read is skipped (counted), never queued without bound.
 */
final class ShadowReader {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowReader.class);

    private final DataSource oldDs;
    private final DataSource newDs;
    private final RouterMetrics metrics;
    private final MismatchSink sink;
    private final long recheckDelayMs;
    private final int maxInFlight;
    private final boolean aa;
    private final ScheduledThreadPoolExecutor pool;
    private final InFlight inFlight = new InFlight();
    final LongAdder skipped = new LongAdder();
    final LongAdder compared = new LongAdder();
    final LongAdder mismatches = new LongAdder();
    final LongAdder recheckCleared = new LongAdder();
    /** Differences sent to their re-check (cleared, confirmed, or still waiting). */
    final LongAdder rechecks = new LongAdder();
    final LongAdder errors = new LongAdder();

    /** Where confirmed mismatches go (the capped sample list). */
    interface MismatchSink {
        void sample(String json);
    }

    ShadowReader(DataSource oldDs, DataSource newDs, RouterMetrics metrics, MismatchSink sink, Duration recheckDelay,
                 int threads, int maxInFlight, boolean aa) {
        this.oldDs = oldDs;
        this.newDs = newDs;
        this.metrics = metrics;
        this.sink = sink;
        this.recheckDelayMs = recheckDelay.toMillis();
        this.maxInFlight = maxInFlight;
        this.aa = aa;
        this.pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "cutover-shadow");
            t.setDaemon(true);
            return t;
        });
    }

    boolean isAa() {
        return aa;
    }

    /** Schedules the comparison of a served read; false (and counted) when too many are waiting. */
    boolean submit(ReadOp<?> op, Object[] params, boolean servedNew, List<Map<String, Object>> served, long servedMicros) {
        if (inFlight.increment() > maxInFlight) {
            inFlight.decrement();
            skipped.increment();
            return false;
        }
        try {
            pool.execute(() -> {
                try {
                    compare(op, params, servedNew, served, servedMicros);
                } finally {
                    inFlight.decrement();
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrement();
            skipped.increment();
            return false;
        }
    }

    private void compare(ReadOp<?> op, Object[] params, boolean servedNew, List<Map<String, Object>> served, long servedUs) {
        Result a;
        Result b;
        try {
            if (aa) {
                a = servedNew ? run(op, params, false) : new Result(served, servedUs);
                b = run(op, params, false);
            } else {
                a = new Result(served, servedUs);
                b = run(op, params, !servedNew);
            }
        } catch (SQLException | RuntimeException e) {
            shadowError(op, e);
            return;
        }
        boolean sideANew = !aa && servedNew;
        if (same(op, a, b)) {
            return;
        }
        inFlight.increment();
        rechecks.increment();
        try {
            pool.schedule(() -> {
                try {
                    recheck(op, params, sideANew);
                } finally {
                    inFlight.decrement();
                }
            }, recheckDelayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrement();
            confirm(op, params, sideANew, a, b);
        }
    }

    private void recheck(ReadOp<?> op, Object[] params, boolean sideANew) {
        Result a;
        Result b;
        try {
            a = run(op, params, sideANew);
            b = run(op, params, aa ? false : !sideANew);
        } catch (SQLException | RuntimeException e) {
            shadowError(op, e);
            return;
        }
        if (same(op, a, b)) {
            recheckCleared.increment();
            LOG.debug("shadow read {}: difference gone on re-check (write lag)", op.name());
            return;
        }
        confirm(op, params, sideANew, a, b);
    }

    /** Counts a comparison; true when the results are the same. */
    private boolean same(ReadOp<?> op, Result a, Result b) {
        boolean same = ResultComparison.same(a.rows, b.rows, op.isOrderInsensitive());
        if (same) {
            counted(op);
        }
        return same;
    }

    private void counted(ReadOp<?> op) {
        compared.increment();
        metrics.compared(op.name(), false);
    }

    private void confirm(ReadOp<?> op, Object[] params, boolean sideANew, Result a, Result b) {
        compared.increment();
        mismatches.increment();
        metrics.compared(op.name(), true);
        Result old = sideANew ? b : a;
        Result nw = sideANew ? a : b;
        String sample = MismatchSamples.sampleJson(op.name(), MismatchSamples.paramsHash(params), aa, sideANew,
                old.micros / 1000.0, nw.micros / 1000.0, old.rows, nw.rows);
        LOG.info("shadow read {} mismatch (params {}): old {} rows, {} {} rows", op.name(), MismatchSamples.paramsHash(params),
                old.rows.size(), aa ? "old again" : "new", nw.rows.size());
        try {
            sink.sample(sample);
        } catch (RuntimeException e) {
            LOG.debug("mismatch sample not stored: {}", e.getMessage());
        }
    }

    private void shadowError(ReadOp<?> op, Exception e) {
        errors.increment();
        metrics.shadowError();
        LOG.debug("shadow read {} failed: {}", op.name(), StateFollower.oneLine(e));
    }

    private Result run(ReadOp<?> op, Object[] params, boolean newSide) throws SQLException {
        long t0 = System.nanoTime();
        try {
            List<Map<String, Object>> rows = Rows.query(newSide ? newDs : oldDs, op.sql(newSide), params);
            if (newSide) {
                rows = rows.stream().map(op::shapeNew).toList();
            }
            long us = (System.nanoTime() - t0) / 1000;
            metrics.read(newSide, us, false);
            return new Result(rows, us);
        } catch (SQLException | RuntimeException e) {
            metrics.read(newSide, (System.nanoTime() - t0) / 1000, true);
            throw e;
        }
    }

    private record Result(List<Map<String, Object>> rows, long micros) {
    }

    /** Lets waiting comparisons and re-checks finish for up to {@code timeout}. */
    void shutdown(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        inFlight.awaitZero(timeout);
        pool.shutdown();
        try {
            pool.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }

    int inFlight() {
        return (int) inFlight.get();
    }

    /** Waits until no comparison or re-check is waiting or running, at most {@code timeout}. */
    boolean awaitIdle(Duration timeout) {
        return inFlight.awaitZero(timeout);
    }

}
