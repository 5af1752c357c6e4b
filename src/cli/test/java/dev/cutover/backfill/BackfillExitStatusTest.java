package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.cli.CutoverCommand;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exit status and the summaries tell the truth (point 7 of the hardening issue): a backfill
 * whose connections are all killed after every chunk completes every table exactly and exits 0.
 */
@NeedsServers
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BackfillExitStatusTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CutoverCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** Chunks the ledger records as done for the migration, read on a connection of its own; -1 while unreadable (killed, not made yet). */
    private static long chunksDone(Orders o, String migration) {
        try (java.sql.Connection c = o.neu.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM cutover.work_chunk WHERE job = 'backfill' "
                     + "AND migration = ? AND state = 'done'")) {
            ps.setString(1, migration);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * A background thread terminates every other backend of both test databases each time the
     * ledger records another chunk done, until the run ends: the run lock's session and the workers'
     * sessions die mid-run again and again, the other worker mostly in the middle of its chunk. Tied
     * to progress rather than to wall time (every 0.5 s, as it was), the fault is the same on an idle
     * and on a loaded machine: a fixed interval shorter than a loaded machine's connect-and-prepare
     * time starves every run of its first chunk (seen: 78 s, six losses, no row copied), a lack of
     * progress no product rule can cure.
     */
    @Test
    void connectionsKilledAfterEveryChunkStillCompleteEveryTableExactlyAndExitZero() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-kill");
        try (Orders o = new Orders("bf_kill", migration, 12_000)) {
            Path plan = Cli.plan(o, migration);
            AtomicInteger killed = new AtomicInteger();
            AtomicInteger kills = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
            // the fault: every backend of both databases terminated after each chunk the ledger records done
            Thread killer = new Thread(() -> {
                long[] seen = {0};
                while (!ended.get()) {
                    long[] now = {-1};
                    await().atMost(java.time.Duration.ofSeconds(170)).pollInterval(java.time.Duration.ofMillis(50))
                            .until(() -> ended.get() || (now[0] = chunksDone(o, migration)) > seen[0]);
                    if (ended.get()) {
                        return;
                    }
                    seen[0] = now[0];
                    try {
                        killed.addAndGet(o.old.killConnections() + o.neu.killConnections());
                        kills.incrementAndGet();
                    } catch (RuntimeException e) {
                        // the admin connection itself may fail while the server is busy: the next chunk kills again
                    }
                }
            }, "connection-killer");
            killer.setDaemon(true);
            killer.start();
            int code;
            try {
                code = run("backfill", "--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url(), "--redis",
                        TestRedis.sharedUrl(), "--workers", "2", "--latency-limit", "0", "--max-rows-per-sec", "4000",
                        "--progress", "lines");
            } finally {
                ended.set(true);
                killer.join(10_000);
                assertThat(killer.isAlive()).isFalse();
            }
            assertThat(killed.get()).as("backends killed during the run\n" + out + "\n" + err).isGreaterThan(3);
            // the lock's session died mid-run again and again, and the command took the lock again each time
            assertThat(kills.get()).as(out::toString).isGreaterThanOrEqualTo(5);
            assertThat(out.toString().split("taking the lock again to resume", -1).length - 1).as(out::toString)
                    .isGreaterThanOrEqualTo(3);
            assertThat(o.actual()).as(() -> out + "\n" + err).isEqualTo(o.expected());
            assertThat(code).as(out + "\n" + err).isZero();
            assertThat(out.toString()).contains("backfill complete").contains("public.orders: complete");
            assertThat(err.toString()).isEmpty();
            try (RedisClient client = RedisClient.create(TestRedis.sharedUrl());
                 StatefulRedisConnection<String, String> c = client.connect()) {
                Map<String, String> h = c.sync().hgetall("cutover:{" + migration + "}:backfill");
                assertThat(h).containsEntry("state", "complete").containsEntry("rows_done", "12000");
                c.sync().del("cutover:{" + migration + "}:backfill", "cutover:{" + migration + "}:backfill:throttle");
            }
        }
    }

    /**
     * A {@code --table orders} run exits 0 for the table it was asked for, but says the plan's other
     * table was not copied, and the phase guard ("backfill complete") refuses naming it, instead of
     * reading "N of N rows".
     */
    @Test
    void aTableRunLeavesThePhaseGuardRefusingAndNamingTheTablesNotCopied() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-part");
        try (Orders o = new Orders("bf_part", migration, 500)) {
            o.old.exec("CREATE TABLE notes (id bigint PRIMARY KEY, body text); INSERT INTO notes SELECT g, 'n' FROM generate_series(1, 30) g");
            o.neu.exec("CREATE TABLE notes (id bigint PRIMARY KEY, body text)");
            String notes = """
                    , {"source": {"schema": "public", "table": "notes"}, "target": {"schema": "public", "table": "notes"},
                       "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "body", "expr": "body"}]}]}""";
            String json = Orders.planJson(migration, Orders.CENTS);
            Path plan = java.nio.file.Files.createTempFile("cutover-plan", ".json");
            java.nio.file.Files.writeString(plan, json.substring(0, json.lastIndexOf("]}")) + notes);
            plan.toFile().deleteOnExit();
            String redis = TestRedis.sharedUrl();
            try {
                int code = run("backfill", "--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url(), "--redis", redis,
                        "--table", "orders", "--latency-limit", "0", "--progress", "none");
                assertThat(code).as(out + "\n" + err).isZero();
                assertThat(out.toString()).contains("public.orders: complete, 500 rows read, 500 written, 0 skipped")
                        .contains("tables: 1 complete, 0 failed, 0 not finished; not in this run and not copied yet: public.notes")
                        .contains("backfill of the selected tables complete; the phase guard waits for the plan's other tables: public.notes")
                        .doesNotContain("backfill complete");
                try (RedisClient client = RedisClient.create(redis); StatefulRedisConnection<String, String> c = client.connect()) {
                    Map<String, String> h = c.sync().hgetall("cutover:{" + migration + "}:backfill");
                    assertThat(h).containsEntry("state", "partial").containsEntry("rows_done", "500").containsEntry("rows_written", "500")
                            .containsEntry("tables_complete", "1 of 2").containsEntry("missing", "public.notes (not_run)");
                }
                assertThat(run("phase", "backfill", "--reason", "go", "--migration", migration, "--redis", redis, "--new", o.neu.url())).isZero();
                err.getBuffer().setLength(0);
                assertThat(run("phase", "dual_write", "--migration", migration, "--redis", redis, "--new", o.neu.url())).isEqualTo(1);
                assertThat(err.toString()).contains("backfill complete: the backfill is partial: 500 of 500 rows in 1 of 2 tables complete; "
                        + "not complete: public.notes (not_run)");

                out.getBuffer().setLength(0);
                assertThat(run("backfill", "--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url(), "--redis", redis,
                        "--table", "notes", "--latency-limit", "0", "--progress", "none")).isZero();
                assertThat(out.toString()).contains("backfill complete");
                assertThat(run("phase", "dual_write", "--migration", migration, "--redis", redis, "--new", o.neu.url())).as(err.toString()).isZero();
            } finally {
                try (RedisClient client = RedisClient.create(redis); StatefulRedisConnection<String, String> c = client.connect()) {
                    c.sync().del(c.sync().keys("cutover:{" + migration + "}:*").toArray(String[]::new));
                }
            }
        }
    }
}
