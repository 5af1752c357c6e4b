package dev.cutover.backfill;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exit status and the summaries tell the truth (point 7 of the hardening issue): a backfill
 * whose connections are killed every half second completes every table exactly and exits 0.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BackfillExitStatusTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CutoverCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /**
     * A background thread terminates every other backend of both test databases at 500 ms
     * intervals while the backfill runs (a fault injector: the interval is not synchronisation).
     */
    @Test
    void connectionsKilledEveryHalfSecondStillCompleteEveryTableExactlyAndExitZero() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-kill");
        try (Orders o = new Orders("bf_kill", migration, 12_000)) {
            Path plan = Cli.plan(o, migration);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger killed = new AtomicInteger();
            Thread killer = new Thread(() -> {
                while (running.get()) {
                    try {
                        Thread.sleep(500);
                        killed.addAndGet(o.old.killConnections() + o.neu.killConnections());
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        // the admin connection itself may fail while the server is busy: try again next tick
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
                running.set(false);
                killer.interrupt();
                killer.join(10_000);
            }
            assertThat(killed.get()).as("backends killed during the run\n" + out + "\n" + err).isGreaterThan(3);
            assertThat(o.actual()).isEqualTo(o.expected());
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
}
