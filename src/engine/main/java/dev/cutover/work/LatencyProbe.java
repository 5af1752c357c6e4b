package dev.cutover.work;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Measures the production database's latency with a cheap query ({@code SELECT 1}) on its own
 * connection every interval, the way gh-ost watches replication lag: the {@link Throttle} backs
 * off while the measure is above its limit. The measure is a high percentile ({@link #PERCENTILE})
 * of the probes of the last {@link #WINDOW_MILLIS}, not the latest one alone: production's queries
 * wait behind the same short stalls, and one quick probe between them says nothing. A failed probe
 * reconnects next time and makes the measure "unknown" until one succeeds again (it does not stop
 * the work; the chunks themselves fail and retry if the database is down).
 */
public final class LatencyProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatencyProbe.class);
    /** The probes of this last stretch of time make the measure. */
    static final long WINDOW_MILLIS = 2_000;
    /** ... as this percentile of them. */
    static final double PERCENTILE = 0.9;

    private final Supplier<Connection> connector;
    private final long intervalMillis;
    private final String query;
    private final ScheduledExecutorService timer;
    private final double[] window;
    private int samples;
    private int next;
    private Connection conn;
    private volatile double latencyMillis = -1;

    public LatencyProbe(Supplier<Connection> connector, long intervalMillis) {
        this(connector, intervalMillis, "SELECT 1");
    }

    /** A probe with another query (a test induces latency with {@code SELECT pg_sleep(…)}). */
    public LatencyProbe(Supplier<Connection> connector, long intervalMillis, String query) {
        this.query = query;
        this.connector = connector;
        this.intervalMillis = Math.max(10, intervalMillis);
        this.window = new double[(int) Math.max(1, Math.min(1_000, WINDOW_MILLIS / this.intervalMillis))];
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-latency-probe");
            t.setDaemon(true);
            return t;
        });
    }

    public LatencyProbe start() {
        timer.scheduleWithFixedDelay(this::probe, 0, intervalMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * The measure in milliseconds: the {@link #PERCENTILE} of the probes of the last
     * {@link #WINDOW_MILLIS}; −1 when none succeeded yet (or the last one failed).
     */
    public double latencyMillis() {
        return latencyMillis;
    }

    /** Runs one probe now (also what the timer does). */
    public synchronized void probe() {
        try {
            if (conn == null || conn.isClosed()) {
                conn = connector.get();
            }
            long t0 = System.nanoTime();
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(query)) {
                rs.next();
            }
            record((System.nanoTime() - t0) / 1e6);
        } catch (RuntimeException | SQLException e) {
            LOG.debug("latency probe failed: {}", e.getMessage());
            latencyMillis = -1;
            closeQuietly();
        }
    }

    private void record(double millis) {
        window[next] = millis;
        next = (next + 1) % window.length;
        samples = Math.min(samples + 1, window.length);
        double[] sorted = java.util.Arrays.copyOf(window, samples);
        java.util.Arrays.sort(sorted);
        latencyMillis = sorted[(int) Math.min(samples - 1, Math.floor(PERCENTILE * samples))];
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // already gone
            }
            conn = null;
        }
    }
}
