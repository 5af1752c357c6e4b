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
 * off while the latest measure is above its limit. A failed probe reconnects next time and counts
 * as "unknown" (it does not stop the work; the chunks themselves fail and retry if the database is down).
 */
public final class LatencyProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatencyProbe.class);

    private final Supplier<Connection> connector;
    private final long intervalMillis;
    private final String query;
    private final ScheduledExecutorService timer;
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

    /** The latest measure in milliseconds, or −1 when none succeeded yet (or the last one failed). */
    public double latencyMillis() {
        return latencyMillis;
    }

    /** Runs one probe now (also what the timer does). */
    public void probe() {
        try {
            if (conn == null || conn.isClosed()) {
                conn = connector.get();
            }
            long t0 = System.nanoTime();
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(query)) {
                rs.next();
            }
            latencyMillis = (System.nanoTime() - t0) / 1e6;
        } catch (RuntimeException | SQLException e) {
            LOG.debug("latency probe failed: {}", e.getMessage());
            latencyMillis = -1;
            closeQuietly();
        }
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
