package dev.cutover.work;

import dev.cutover.pg.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A session-level advisory lock that keeps one run of a job at a time (one backfill per plan, one
 * verify or repair per plan), held by one connection for the run, and watched: a session can be
 * terminated ({@code pg_terminate_backend}) or its connection lost, and the lock goes with it,
 * letting a second run start beside this one. The watcher re-checks every {@code interval} that the
 * lock connection answers, is still the backend that took the lock, and that {@code pg_locks} still
 * shows the lock granted to it; the first time it is not, {@code onLost} runs (the job stops after
 * the chunks in hand; the ledger makes a later run resume safely).
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** The lock as pg_locks shows it: a bigint advisory key is split into classid (high 32 bits) and objid (low), objsubid 1. */
    private static final String HELD = "SELECT pg_backend_pid(), count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            + "AND pid = pg_backend_pid() AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            + "AND ((classid::bigint << 32) | objid::bigint) = hashtext(?)::bigint";

    private final Connection connection;
    private final String key;
    private final int pid;
    private final Object check = new Object();
    private volatile String lost;
    private volatile Thread watcher;

    private RunLock(Connection connection, String key, int pid) {
        this.connection = connection;
        this.key = key;
        this.pid = pid;
    }

    /**
     * Takes the lock {@code hashtext(key)} on {@code c} (shared or exclusive), without waiting;
     * null when another session holds it. The connection stays the caller's.
     */
    public static RunLock tryTake(Connection c, String key, boolean shared) throws SQLException {
        String fn = shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock";
        try (PreparedStatement ps = c.prepareStatement("SELECT " + fn + "(hashtext(?)), pg_backend_pid()")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? new RunLock(c, key, rs.getInt(2)) : null;
            }
        }
    }

    /** The backend that holds the lock. */
    /** The session that holds the lock (the run keeps it open until it ends). */
    public Connection connection() {
        return connection;
    }

    public int pid() {
        return pid;
    }

    /**
     * Checks now that the lock is still held by its session; false (and {@link #lostReason}) once it
     * is not. Never true again after a false.
     */
    public boolean held() {
        if (lost != null) {
            return false;
        }
        synchronized (check) {
            try (PreparedStatement ps = connection.prepareStatement(HELD)) {
                ps.setQueryTimeout(10);
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) != pid) {
                        lost = "its session " + pid + " was replaced by " + rs.getInt(1);
                    } else if (rs.getInt(2) == 0) {
                        lost = "session " + pid + " no longer holds it";
                    }
                }
            } catch (SQLException e) {
                lost = "session " + pid + " ended (" + Sql.message(e) + ")";
            }
        }
        return lost == null;
    }

    /** Why the lock was lost, or null while held (as of the last check). */
    public String lostReason() {
        return lost;
    }

    /** Re-checks every {@code intervalMillis} on a daemon thread until {@link #close}; {@code onLost} runs once when it is lost. */
    public RunLock watch(long intervalMillis, Runnable onLost) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(intervalMillis);
                    if (!held()) {
                        LOG.warn("run lock {} lost: {}", key, lost);
                        onLost.run();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cutover-run-lock");
        t.setDaemon(true);
        watcher = t;
        t.start();
        return this;
    }

    /** Stops watching (the lock itself goes with its connection, which the caller closes). */
    @Override
    public void close() {
        Thread t = watcher;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
