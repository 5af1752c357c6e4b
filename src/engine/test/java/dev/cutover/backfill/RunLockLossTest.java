package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.DbException;
import dev.cutover.sql.Direction;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.verify.Verifier;
import dev.cutover.verify.VerifyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run holds its advisory lock or stops: terminating the session that holds the
 * one-backfill-per-plan lock once let a second backfill run beside the first (twice the rate cap).
 * The run re-checks its lock session every {@code lockCheckMillis}; when it is gone it stops after
 * the chunks in hand with one line, and a second run then copies the rest on its own.
 */
@NeedsServers
class RunLockLossTest {
    private static final long CHECK_MILLIS = 100;

    /** Terminates the backend holding advisory lock {@code hashtext(key)} in {@code db}; returns how many. */
    private static int terminateHolder(TestDb db, String key) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.adminUrlOfItsServer());
             PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' "
                     + "AND granted AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = ?) "
                     + "AND ((classid::bigint << 32) | objid::bigint) = hashtext(?)::bigint")) {
            ps.setString(1, db.name());
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Timestamp now(TestDb db) throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static Timestamp lastDone(TestDb db, String worker) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT max(done_at) FROM cutover.work_chunk WHERE job = 'backfill' AND worker = ?")) {
            ps.setString(1, worker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1);
            }
        }
    }

    private static CompletableFuture<Throwable> inBackground(Supplier<Object> run) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                run.get();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aBackfillWhoseLockSessionIsTerminatedStopsAndTheNextOneCopiesAlone() throws Exception {
        String migration = TestRedis.uniqueMigration("lock");
        try (Orders o = new Orders("lock", migration, 6000)) {
            BackfillEngine first = new BackfillEngine(o.oldDb(), o.newDb(), o.plan,
                    Orders.small().work(w -> w.withWorkers(2).withMaxRowsPerSec(300).withLockCheckMillis(CHECK_MILLIS)));
            CompletableFuture<Throwable> firstEnd = inBackground(() -> {
                try {
                    return first.run(null);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(30, TimeUnit.SECONDS).until(() -> Orders.count(o.neu, "SELECT count(*) FROM orders") > 0);
            assertThat(terminateHolder(o.neu, "cutover-backfill:" + migration)).isEqualTo(1);
            Timestamp terminated = now(o.neu);
            long t0 = System.nanoTime();

            // 6,000 rows at 300 rows/s would take 20 s: the first stops within its re-check interval and the chunks in hand
            Throwable end = firstEnd.get(10, TimeUnit.SECONDS);
            assertThat(end).isInstanceOf(DbException.class);
            assertThat(end.getMessage()).startsWith("backfill of " + migration + " stopped: it lost its run lock on the new database (session ")
                    .endsWith("chunks done so far are kept, run it again to resume").doesNotContain("\n");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
            long copiedByFirst = Orders.count(o.neu, "SELECT count(*) FROM orders");
            assertThat(copiedByFirst).isLessThan(6000);
            Timestamp firstLast = lastDone(o.neu, first.workerId());
            assertThat(firstLast.getTime() - terminated.getTime()).isLessThan(2_000);

            Timestamp secondStart = now(o.neu);
            BackfillEngine second = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().work(w -> w.withWorkers(2)));
            BackfillReport r = second.run(null);
            assertThat(r.complete()).isTrue();
            // the first copied nothing once the second had started, and everything arrived exactly once
            assertThat(lastDone(o.neu, first.workerId())).isEqualTo(firstLast).isBefore(secondStart);
            assertThat(o.actual()).isEqualTo(o.expected());
        }
    }

    /**
     * The lock lost after the last chunk, while the run reads how it ended: every table is complete
     * in the ledger, nothing is left for this run or another to copy, so the run ends complete
     * (it used to stop with the loss, and a command re-taking the lock could lose it again in every
     * such final step until it gave up at 100 %).
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aBackfillWhoseLockSessionIsTerminatedAfterItsLastChunkEndsComplete() throws Exception {
        String migration = TestRedis.uniqueMigration("lock-end");
        try (Orders o = new Orders("lock_end", migration, 3000)) {
            java.util.concurrent.atomic.AtomicInteger terminated = new java.util.concurrent.atomic.AtomicInteger();
            BackfillEngine engine = new BackfillEngine(o.oldDb(), o.newDb(), o.plan,
                    Orders.small().work(w -> w.withWorkers(2).withLockCheckMillis(CHECK_MILLIS)));
            BackfillReport r = engine.run(e -> {
                if (!e.finished()) {
                    return;
                }
                // the end event comes while the lock is still watched: end its session and wait until the watcher saw it
                Thread watcher = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("cutover-run-lock"))
                        .findFirst().orElseThrow();
                try {
                    terminated.set(terminateHolder(o.neu, "cutover-backfill:" + migration));
                    watcher.join(30_000);
                } catch (SQLException | InterruptedException x) {
                    throw new IllegalStateException(x);
                }
                assertThat(watcher.isAlive()).as("the lock watcher noticed the loss").isFalse();
            });
            assertThat(terminated.get()).isEqualTo(1);
            assertThat(r.complete()).isTrue();
            assertThat(r.errors()).isEmpty();
            assertThat(r.counts()).singleElement().satisfies(c -> assertThat(c.rowsRead()).isEqualTo(3000));
            assertThat(o.actual()).isEqualTo(o.expected());
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aVerifyWhoseLockSessionIsTerminatedStopsWithoutAVerdict() throws Exception {
        String migration = TestRedis.uniqueMigration("vlock");
        try (Orders o = new Orders("vlock", migration, 6000)) {
            assertThat(new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null).complete()).isTrue();
            Verifier verifier = new Verifier(o.plan, o.oldDb(), o.newDb(), VerifyOptions.defaults(Direction.FORWARD)
                    .withWork(w -> w.withWorkers(2).withMaxRowsPerSec(300).withLatencyLimitMillis(0).withLockCheckMillis(CHECK_MILLIS)
                            .withChunkRows(50, 100, 400).withProgressIntervalMillis(100)), null);
            CompletableFuture<Throwable> end = inBackground(verifier::verify);
            await().atMost(30, TimeUnit.SECONDS).until(() -> terminateHolder(o.neu, "cutover-verify:" + migration) == 1);
            Throwable t = end.get(10, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(DbException.class);
            assertThat(t.getMessage()).isEqualTo("verification of " + migration + " stopped: it lost its run lock on the new database ("
                    + t.getMessage().replaceAll(".*new database \\((.*)\\), so.*", "$1") + "), so another verify or repair may be running; "
                    + "no verdict, run it again").contains("(session ");
        }
    }
}
