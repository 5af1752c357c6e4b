package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real processes killed with SIGKILL mid-run (no polite stop) and resumed or taken over. */
@NeedsServers
class BackfillCrashTest {

    @Test
    void aKilledProcessResumesAndCopiesEveryRowExactlyOnce() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-kill");
        try (Orders o = new Orders("bf_kill", migration, 10_000)) {
            Path plan = Cli.plan(o, migration, Orders.SLOW_CENTS);
            Path log = Cli.log();
            Process p = Cli.start(log, "backfill", "--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url(),
                    "--max-rows-per-sec", "1000", "--chunk-time", "0.2", "--workers", "2", "--latency-limit", "0",
                    "--progress", "lines");
            try {
                // rows of 1 ms each at 1,000 rows/s: for 10 s there is nearly always a chunk in flight, so the kill
                // lands mid-chunk on an idle machine too
                Cli.await("two chunks done and one in flight", 90_000, () -> doneChunks(o) >= 2 && openChunks(o) >= 1, log);
            } finally {
                p.destroyForcibly();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            long copied = Orders.count(o.neu, "SELECT count(*) FROM orders");
            assertThat(copied).isBetween(1L, 9_999L);

            Path log2 = Cli.log();
            Process q = Cli.start(log2, "backfill", "--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url(),
                    "--latency-limit", "0", "--progress", "lines");
            assertThat(q.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = Cli.read(log2);
            assertThat(q.exitValue()).as(out).isZero();
            assertThat(out).contains("no --redis").contains("public.orders: complete, 10,000 rows").contains("backfill complete");

            assertThat(o.actual()).isEqualTo(o.expected());
            assertThat(Orders.count(o.neu, "SELECT sum(rows) FROM cutover.work_chunk WHERE state = 'done'")).isEqualTo(10_000);
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk WHERE state <> 'done'")).isZero();
        }
    }

    @Test
    void aDeadWorkersChunkIsTakenOverWhenItsLeaseExpires() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-takeover");
        ControlKeys keys = new ControlKeys(migration);
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (Orders o = new Orders("bf_take", migration, 4_000); StatefulRedisConnection<String, String> redis = client.connect()) {
            Path plan = Cli.plan(o, migration, Orders.SLOW_CENTS);
            Path log = Cli.log();
            Process p = Cli.start(log, "worker", "--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url(),
                    "--redis", TestRedis.sharedUrl(), "--workers", "1", "--lease-ttl", "1500", "--latency-limit", "0",
                    "--progress", "lines");
            try {
                Cli.await("a chunk done and the next one in flight", 90_000, () -> doneChunks(o) >= 1 && openChunks(o) >= 1, log);
            } finally {
                p.destroyForcibly();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            long seq = Orders.count(o.neu, "SELECT seq FROM cutover.work_chunk WHERE state = 'claimed'");
            String deadWorker = Orders.rows(o.neu, "SELECT worker FROM cutover.work_chunk WHERE seq = " + seq).get(0).replace("'", "");
            assertThat(redis.sync().get(keys.workLease("backfill", "public.orders:" + seq)))
                    .as("the dead worker's lease, still there until it expires").isEqualTo(deadWorker);

            BackfillOptions opts = Orders.small().redisUrl(TestRedis.sharedUrl()).work(w -> w.withLeaseTtlMillis(1500));
            BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, opts).run(null);

            assertThat(r.complete()).isTrue();
            assertThat(o.actual()).isEqualTo(o.expected());
            assertThat(Orders.count(o.neu, "SELECT sum(rows) FROM cutover.work_chunk WHERE state = 'done'")).isEqualTo(4_000);
            assertThat(Orders.rows(o.neu, "SELECT state, worker <> '" + deadWorker.replace("'", "''") + "' FROM cutover.work_chunk WHERE seq = " + seq))
                    .as("chunk %d of the dead worker %s", seq, deadWorker).containsExactly("'done'|'t'");
            assertThat(redis.sync().keys(keys.workLease("backfill", "*"))).isEmpty();
            redis.sync().del(keys.backfill());
        } finally {
            client.shutdown();
        }
    }

    private static long openChunks(Orders o) {
        try {
            return Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk WHERE state = 'claimed'");
        } catch (SQLException e) {
            return 0;
        }
    }

    private static long doneChunks(Orders o) {
        try {
            return Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk WHERE state = 'done'");
        } catch (SQLException e) {
            return 0; // the ledger does not exist yet
        }
    }
}
