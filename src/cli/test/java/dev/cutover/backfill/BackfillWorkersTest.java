package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class BackfillWorkersTest {

    @Test
    void twoWorkersShareARunAndNeverCopyTheSameChunkTwice() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-two");
        try (Orders o = new Orders("bf_two", migration, 4_000)) {
            BackfillOptions a = Orders.small().redisUrl(TestRedis.sharedUrl()).maxRowsPerSec(800).work(w -> w.withWorkerId("worker-a"));
            BackfillOptions b = Orders.small().redisUrl(TestRedis.sharedUrl()).maxRowsPerSec(800).work(w -> w.withWorkerId("worker-b"));
            CompletableFuture<BackfillReport> ra = CompletableFuture.supplyAsync(() -> run(o, a));
            CompletableFuture<BackfillReport> rb = CompletableFuture.supplyAsync(() -> run(o, b));

            assertThat(ra.get(120, TimeUnit.SECONDS).complete()).isTrue();
            assertThat(rb.get(120, TimeUnit.SECONDS).complete()).isTrue();
            assertThat(o.actual()).isEqualTo(o.expected());
            assertThat(Orders.count(o.neu, "SELECT sum(rows) FROM cutover.work_chunk")).isEqualTo(4_000);
            assertThat(Orders.rows(o.neu, "SELECT DISTINCT worker FROM cutover.work_chunk ORDER BY 1"))
                    .containsExactly("'worker-a'", "'worker-b'");
            // every tuple ever inserted into the target (committed or rolled back) is counted here: a chunk
            // copied twice would show as more inserts than rows
            Cli.await("insert statistics", 20_000, () -> inserts(o) >= 4_000, null);
            assertThat(inserts(o)).isEqualTo(4_000);
            RedisClient client = RedisClient.create(TestRedis.sharedUrl());
            try (StatefulRedisConnection<String, String> redis = client.connect()) {
                ControlKeys keys = new ControlKeys(migration);
                assertThat(redis.sync().hget(keys.backfill(), ControlKeys.Backfill.STATE)).isEqualTo("complete");
                redis.sync().del(keys.backfill());
            } finally {
                client.shutdown();
            }
        }
    }

    private static BackfillReport run(Orders o, BackfillOptions opts) {
        try {
            return new BackfillEngine(o.oldDb(), o.newDb(), o.plan, opts).run(null);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long inserts(Orders o) {
        try {
            return Orders.count(o.neu, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'orders' AND schemaname = 'public'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
