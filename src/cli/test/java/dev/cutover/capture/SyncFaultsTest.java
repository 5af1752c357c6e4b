package dev.cutover.capture;

import dev.cutover.testing.NeedsServers;
import dev.cutover.sql.Direction;
import dev.cutover.testing.CliProcess;
import dev.cutover.testing.CliRun;
import dev.cutover.verify.Verifier;
import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import dev.cutover.verify.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sync under faults, against real servers: a sync process killed with SIGKILL mid-stream and
 * started again; one transaction of 100,000 rows; the new database's sessions killed again and
 * again under writes; a backfill with concurrent writes followed by sync, verified clean with no repair.
 */
@NeedsServers
class SyncFaultsTest {
    SyncPair p;

    @BeforeEach
    void setUp() {
        p = new SyncPair("syncf");
    }

    @AfterEach
    void tearDown() {
        p.close();
    }

    /** Writes to the old database in small transactions until stopped: inserts of new users and orders, updates, deletes. */
    final class Writer implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong writes = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final Future<?> task;
        final java.util.concurrent.ExecutorService pool = Executors.newSingleThreadExecutor();

        Writer(long firstId) {
            task = pool.submit(() -> {
                long id = firstId;
                try (Connection c = p.old.connect()) {
                    PreparedStatement user = c.prepareStatement("INSERT INTO users VALUES (?, ?, NULL)");
                    PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)");
                    PreparedStatement upd = c.prepareStatement("UPDATE orders SET total_amount = total_amount + 0.01 WHERE id = ?");
                    PreparedStatement del = c.prepareStatement("DELETE FROM orders WHERE id = ?");
                    while (!stop.get()) {
                        id++;
                        user.setLong(1, id);
                        user.setString(2, "w" + id);
                        user.executeUpdate();
                        order.setLong(1, id);
                        order.setLong(2, id);
                        order.setDouble(3, id % 1000 / 100.0);
                        order.executeUpdate();
                        upd.setLong(1, 1 + (id * 7919) % 6000); // existing rows: the backfilled ones, or the first written
                        upd.executeUpdate();
                        if (id % 5 == 0) {
                            del.setLong(1, id - 3);
                            del.executeUpdate();
                        }
                        writes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            task.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(errors).isEmpty();
        }
    }

    private void assertSame() throws Exception {
        assertThat(p.actualUsers()).isEqualTo(p.expectedUsers());
        assertThat(p.actualOrders()).isEqualTo(p.expectedOrders());
    }

    private static long count(SyncPair p, String sql) throws Exception {
        return Long.parseLong(SyncPair.rows(p.neu, sql).get(0));
    }

    @Test
    void killedWithSigkillMidStreamResumesFromTheConfirmedPosition() throws Exception {
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        String createdAt = new SyncSlot(p.oldDb(), p.parsed()).info().confirmedFlushLsn();
        Path log = CliProcess.log();
        try (Writer w = new Writer(0)) {
            Process sync = CliProcess.start(log, "sync", "--plan", p.plan.toString(), "--old", p.old.url(), "--new", p.neu.url(),
                    "--batch-keys", "50");
            try {
                // mid-stream: rows applied and positions confirmed, the writer still going
                await().atMost(Duration.ofSeconds(120)).until(() -> count(p, "SELECT count(*) FROM users") >= 300
                        && !createdAt.equals(new SyncSlot(p.oldDb(), p.parsed()).info().confirmedFlushLsn()));
            } finally {
                sync.destroyForcibly(); // SIGKILL: no shutdown hook, no last confirmation
                sync.waitFor(30, TimeUnit.SECONDS);
            }
            long before = w.writes.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> w.writes.get() >= before + 200); // writes while no sync runs
        }
        // the slot is free again once the server notices the dead walsender; the restart resumes from it
        await().atMost(Duration.ofSeconds(60)).until(() -> !new SyncSlot(p.oldDb(), p.parsed()).info().active());
        CliRun r = p.run("sync", "--until-caught-up");
        assertThat(r.status()).as(r.out() + r.err() + CliProcess.read(log)).isZero();
        assertSame();
        assertThat(p.actualUsers()).hasSizeGreaterThan(500);
    }

    @Test
    void oneTransactionOfAHundredThousandRows() throws Exception {
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        p.old.exec("""
                BEGIN;
                INSERT INTO users SELECT g, 'user ' || g, NULL FROM generate_series(1, 100000) g;
                UPDATE users SET note = 'n' WHERE id % 10 = 0;
                COMMIT;
                """);
        CliRun r = p.run("sync", "--until-caught-up");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("110,000 changes in 1 transactions");
        assertThat(count(p, "SELECT count(*) FROM users")).isEqualTo(100_000);
        assertThat(count(p, "SELECT count(*) FROM users WHERE note = 'n'")).isEqualTo(10_000);
        assertSame();
    }

    @Test
    void theNewDatabaseLostAgainAndAgainUnderWritesCatchesUp() throws Exception {
        // the new database's sessions killed every 300 ms for a while: every apply in that time fails
        syncUnderRepeatedKills(p.neu::killConnections, 300,
                seen -> seen.stream().anyMatch(s -> SyncStatus.RETRYING.equals(s.state()) && !s.lastError().isEmpty()));
    }

    @Test
    void theStreamAndTheOldSessionsLostAgainAndAgainUnderWritesReconnectAndCatchUp() throws Exception {
        // sync's own sessions on the old database, the walsender streaming the slot among them (the writer's are left alone)
        Runnable killSync = () -> {
            try (Connection c = java.sql.DriverManager.getConnection(p.old.serverAdminUrl());
                 var rs = c.createStatement().executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                         + " WHERE datname = '" + p.old.name() + "' AND application_name = 'cutover'")) {
                rs.next();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        syncUnderRepeatedKills(killSync, 500, seen -> seen.stream().filter(s -> SyncStatus.RETRYING.equals(s.state())).count() >= 3);
    }

    /**
     * One running sync under writes while {@code kill} runs every {@code periodMillis}: once the
     * statuses it reported show the fault ({@code faultSeen}) and 300 more writes went in, the kills
     * and the writes stop, and the same process catches up by itself with every row the same.
     */
    private void syncUnderRepeatedKills(Runnable kill, long periodMillis, java.util.function.Predicate<List<SyncStatus>> faultSeen)
            throws Exception {
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        List<SyncStatus> seen = new ArrayList<>();
        SyncEngine engine = new SyncEngine(p.oldDb(), p.newDb(), p.parsed(), SyncEngine.Options.defaults().withBatchKeys(20));
        var runner = Executors.newSingleThreadExecutor();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try (Writer w = new Writer(0)) {
            Future<SyncEngine.Report> run = runner.submit(() -> engine.run(s -> {
                synchronized (seen) {
                    seen.add(s);
                }
            }));
            await().atMost(Duration.ofSeconds(60)).until(() -> count(p, "SELECT count(*) FROM users") >= 50);
            killer.scheduleAtFixedRate(kill, 0, periodMillis, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                synchronized (seen) {
                    return faultSeen.test(seen);
                }
            });
            long during = w.writes.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> w.writes.get() >= during + 300);
            killer.shutdownNow();
            killer.awaitTermination(10, TimeUnit.SECONDS);
            w.close();
            // the same running process catches up by itself once its connections stay up again
            await().atMost(Duration.ofSeconds(120)).until(() -> p.actualUsers().equals(p.expectedUsers())
                    && p.actualOrders().equals(p.expectedOrders()));
            engine.stop();
            run.get(60, TimeUnit.SECONDS);
        } finally {
            killer.shutdownNow();
            runner.shutdownNow();
        }
        assertSame();
    }

    @Test
    void backfillWithSyncThenSyncLeavesVerifyCleanWithoutRepair() throws Exception {
        p.old.exec("""
                INSERT INTO users SELECT g, 'user ' || g, NULL FROM generate_series(1, 3000) g;
                INSERT INTO orders SELECT g, 1 + g % 3000, g % 997 / 10.0 FROM generate_series(1, 6000) g;
                """);
        CliRun b;
        long writesDuring;
        try (Writer w = new Writer(100_000)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> w.writes.get() >= 20);
            long start = w.writes.get();
            // slowed down so that the writer's changes land while the key ranges are copied
            b = p.run("backfill", "--with-sync", "--max-rows-per-sec", "3000", "--workers", "1", "--progress", "none");
            writesDuring = w.writes.get() - start;
        }
        assertThat(b.status()).as(b.out() + b.err()).isZero();
        assertThat(b.out()).contains("created replication slot " + p.slot());
        assertThat(writesDuring).isGreaterThan(20);
        VerifyReport before = new Verifier(p.parsed(), p.oldDb(), p.newDb(), VerifyOptions.defaults(Direction.FORWARD), VerifyListener.NONE).verify();
        assertThat(before.differences()).as("the writes made during the backfill are not all in it").isPositive();
        CliRun s = p.run("sync", "--until-caught-up");
        assertThat(s.status()).as(s.out() + s.err()).isZero();
        VerifyReport after = new Verifier(p.parsed(), p.oldDb(), p.newDb(), VerifyOptions.defaults(Direction.FORWARD), VerifyListener.NONE).verify();
        assertThat(after.differences()).isZero();
        assertThat(after.rowsCompared()).isGreaterThan(9000);
    }
}
