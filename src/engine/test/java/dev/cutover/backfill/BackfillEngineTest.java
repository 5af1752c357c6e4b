package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.testing.TestRedis;
import dev.cutover.work.ProgressEvent;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class BackfillEngineTest {

    @Test
    void copiesEveryRowThroughTheTransformsAndReportsProgress() throws Exception {
        try (Orders o = new Orders("bf_all", "bf-all", 3000)) {
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().workers(3)).run(events::add);

            assertThat(r.complete()).isTrue();
            assertThat(r.errors()).isEmpty();
            assertThat(o.actual()).isEqualTo(o.expected());
            assertThat(r.rowsDone()).isEqualTo(3000);
            ProgressEvent last = events.get(events.size() - 1);
            assertThat(last.finished()).isTrue();
            assertThat(last.total().rowsDone()).isEqualTo(3000);
            assertThat(last.total().state()).isEqualTo(dev.cutover.work.TableState.COMPLETE);
            // many short chunks, covering the key range without gaps or overlaps
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk WHERE state = 'done'")).isGreaterThan(5);
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk a JOIN cutover.work_chunk b "
                    + "ON a.seq + 1 = b.seq WHERE b.lower_key IS DISTINCT FROM a.upper_key")).isZero();
            assertThat(Orders.count(o.neu, "SELECT sum(rows) FROM cutover.work_chunk")).isEqualTo(3000);
        }
    }

    @Test
    void rowsAlreadyInTheTargetAreNeverOverwritten() throws Exception {
        for (LoadMode mode : LoadMode.values()) {
            try (Orders o = new Orders("bf_live", "bf-live", 2000)) {
                // the router's dual writes got there first, with newer values
                o.neu.exec("INSERT INTO orders VALUES (5, 'drone', 9, 1), (1500, 'drone', 9, 2), (2000, 'drone', 9, 3)");
                BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().load(mode)).run(null);

                assertThat(r.complete()).as(mode.name()).isTrue();
                assertThat(Orders.rows(o.neu, "SELECT id, shipping_method, priority, total_cents FROM orders WHERE shipping_method = 'drone' ORDER BY id"))
                        .as(mode.name()).containsExactly("'5'|'drone'|'9'|'1'", "'1500'|'drone'|'9'|'2'", "'2000'|'drone'|'9'|'3'");
                assertThat(Orders.count(o.neu, "SELECT count(*) FROM orders")).isEqualTo(2000);
                List<String> expected = o.expected().stream().filter(s -> !s.startsWith("'5'|") && !s.startsWith("'1500'|")
                        && !s.startsWith("'2000'|")).toList();
                assertThat(o.actual().stream().filter(s -> !s.contains("'drone'")).toList()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aSecondRunOfACompleteBackfillCopiesNothingAndRestartCopiesAgain() throws Exception {
        try (Orders o = new Orders("bf_again", "bf-again", 500)) {
            new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null);
            long chunks = Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk");
            BackfillReport again = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null);
            assertThat(again.complete()).isTrue();
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk")).isEqualTo(chunks);

            o.old.exec("INSERT INTO orders SELECT g, '{}'::jsonb, 1.0, NULL FROM generate_series(501, 600) g");
            o.neu.exec("DELETE FROM orders WHERE id <= 10");
            BackfillReport restarted = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().restart(true)).run(null);
            assertThat(restarted.complete()).isTrue();
            assertThat(o.actual()).isEqualTo(o.expected());
        }
    }

    @Test
    void aCappedRunMovesInShortChunksSpacedOutToTheCap() throws Exception {
        try (Orders o = new Orders("bf_cap", "bf-cap", 3000)) {
            // without the cap these settings start at 1,000 rows a chunk and grow; under 2,000 rows/s a chunk is at most a quarter
            // second's worth
            BackfillOptions opts = Orders.small().work(w -> w.withChunkRows(50, 1000, 5000).withTargetChunkSeconds(0.5)).workers(3).maxRowsPerSec(2000);
            long t0 = System.nanoTime();
            BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, opts).run(null);
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertThat(r.complete()).isTrue();
            assertThat(o.actual()).isEqualTo(o.expected());
            assertThat(Orders.count(o.neu, "SELECT max(rows) FROM cutover.work_chunk")).isLessThanOrEqualTo(500);
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM cutover.work_chunk")).isGreaterThanOrEqualTo(6);
            // three workers, yet the rows after the first chunk were paid for at the cap, not moved in one burst
            assertThat(seconds).isGreaterThanOrEqualTo((3000 - 500) / 2000.0);
        }
    }

    @Test
    void publishesTheSummaryToRedisAndTakesTheThrottleFromIt() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-sum");
        ControlKeys keys = new ControlKeys(migration);
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (Orders o = new Orders("bf_sum", migration, 1000); StatefulRedisConnection<String, String> redis = client.connect()) {
            redis.sync().hset(keys.workThrottle("backfill"), Map.of(ControlKeys.WorkThrottle.MAX_ROWS_PER_SEC, "123456"));
            BackfillEngine engine = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().redisUrl(TestRedis.sharedUrl()));
            BackfillReport r = engine.run(null);

            assertThat(r.complete()).isTrue();
            assertThat(engine.throttle().maxRowsPerSec()).isEqualTo(123456);
            Map<String, String> h = redis.sync().hgetall(keys.backfill());
            assertThat(h).containsEntry(ControlKeys.Backfill.STATE, "complete").containsEntry(ControlKeys.Backfill.ROWS_DONE, "1000")
                    .containsEntry(ControlKeys.Backfill.ROWS_TOTAL, "1000");
            assertThat(Long.parseLong(h.get(ControlKeys.Backfill.UPDATED_AT))).isGreaterThan(System.currentTimeMillis() - 60_000);
            redis.sync().del(keys.backfill(), keys.workThrottle("backfill"));
        } finally {
            client.shutdown();
        }
    }
}
